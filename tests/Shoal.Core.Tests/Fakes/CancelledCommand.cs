using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

public sealed record CancelledCommand(string JobId, int Attempt, CommandHandle Handle, DateTimeOffset At);

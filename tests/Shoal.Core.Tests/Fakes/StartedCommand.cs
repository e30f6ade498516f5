using Shoal.Core.Ports;

namespace Shoal.Core.Tests.Fakes;

public sealed record StartedCommand(CommandRequest Request, CommandHandle Handle, DateTimeOffset At);

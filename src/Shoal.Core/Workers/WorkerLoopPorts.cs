using Shoal.Core.Ports;

namespace Shoal.Core.Workers;

public sealed record WorkerLoopPorts(IJobQueue Queue, IJobLedger Ledger, ICommandRunner Runner, IWorkerFleet Fleet);

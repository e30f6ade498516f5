namespace Shoal.Operator;

// Names the operator writes into the cluster; RBAC, the docs and the tests read them from here.
internal static class OperatorNames
{
    // On a JobQueue: its AWS resources are cleaned up (deletionPolicy Delete) before the CR goes.
    public const string JobQueueFinalizer = "shoal.dev/aws-resources";

    // On a WorkerPool: its Workers (and so its instances) are gone before the CR goes.
    public const string WorkerPoolFinalizer = "shoal.dev/workers";

    // On a Worker: the only code path that terminates its EC2 instance.
    public const string WorkerFinalizer = "shoal.dev/instance";

    public const string PoolLabel = "shoal.dev/pool";
    public const string QueueLabel = "shoal.dev/queue";
}

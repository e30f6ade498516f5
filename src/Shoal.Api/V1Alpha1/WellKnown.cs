namespace Shoal.Api.V1Alpha1;

// The names kubectl, the CRD YAML, RBAC and the operator must agree on; kept in one place so they cannot drift.
public static class WellKnown
{
    public const string Group = "shoal.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    public const string Category = "shoal";

    public const string JobQueueKind = "JobQueue";
    public const string JobQueueListKind = "JobQueueList";
    public const string JobQueuePlural = "jobqueues";
    public const string JobQueueSingular = "jobqueue";
    public const string JobQueueShortName = "jq";

    public const string WorkerPoolKind = "WorkerPool";
    public const string WorkerPoolListKind = "WorkerPoolList";
    public const string WorkerPoolPlural = "workerpools";
    public const string WorkerPoolSingular = "workerpool";
    public const string WorkerPoolShortName = "wp";

    public const string WorkerKind = "Worker";
    public const string WorkerListKind = "WorkerList";
    public const string WorkerPlural = "workers";
    public const string WorkerSingular = "worker";
    public const string WorkerShortName = "wk";

    // The rolled-up condition every Shoal resource reports (DESIGN §4).
    public const string ReadyCondition = "Ready";

    // Names derived from the JobQueue's name when the spec leaves them out; the table suffix matches the seed.
    public const string QueueNameSuffix = "-job-queue";
    public const string TableNameSuffix = "-job-monitoring";
}

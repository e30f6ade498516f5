namespace Shoal.Api.V1Alpha1;

// One source for the defaults: the types' initializers, the CRD schema's `default:` values and the docs read these.
public static class SpecDefaults
{
    public const int MaxReceiveCount = 1000;
    public const bool FinishedQueueEnabled = true;
    public const int Retry = 3;
    public const string Platform = Platforms.Linux;
    public const int MaxInterruptions = 10;
    public const int LeaseSeconds = 300;
    public const string ExecutableSuffix = ".sh";
    public const int RetentionDays = 14;
    public const string DeletionPolicy = DeletionPolicies.Retain;

    public const int MinWorkers = 0;
    public const int MaxWorkers = 10;
    public const int JobsPerWorker = 1;
    public const int IdleTimeoutSeconds = 60;
    public const string Capacity = CapacityTypes.Spot;
    public const string AllocationStrategy = AllocationStrategies.PriceCapacityOptimized;

    public const string OutputPrefix = "shoal-output/";
}

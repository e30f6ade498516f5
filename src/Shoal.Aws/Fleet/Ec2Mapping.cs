using Shoal.Core.Ports;

namespace Shoal.Aws.Fleet;

internal static class Ec2Mapping
{
    /// <summary>
    /// Ready means running. Whether the SSM agent has registered is the command runner's business: it
    /// treats an undeliverable command as an infrastructure failure, which does not spend a job's budget.
    /// </summary>
    public static WorkerInfo ToWorkerInfo(Ec2Instance instance) => new()
    {
        WorkerId = instance.InstanceId,
        State = ToState(instance.State),
        Ready = instance.State == "running",
        InstanceType = instance.InstanceType,
        Zone = instance.AvailabilityZone,
        CapacityType = instance.CapacityType,
        LaunchedAt = instance.LaunchTime ?? default,
        StateReason = instance.StateReason,
    };

    public static WorkerInfo ToWorkerInfo(Ec2FleetInstance instance, DateTimeOffset launchedAt) => new()
    {
        WorkerId = instance.InstanceId,
        State = WorkerState.Pending,
        Ready = false,
        InstanceType = instance.InstanceType,
        Zone = instance.AvailabilityZone,
        CapacityType = instance.CapacityType,
        LaunchedAt = launchedAt,
    };

    // A stopped worker can run nothing and the engine has no use for it: it is given up like a lost one,
    // and its loop terminates it.
    private static WorkerState ToState(string state) => state switch
    {
        "pending" => WorkerState.Pending,
        "running" => WorkerState.Running,
        "terminated" => WorkerState.Terminated,
        _ => WorkerState.ShuttingDown,
    };
}

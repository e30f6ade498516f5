namespace Shoal.Api.V1Alpha1;

// What happens to the SQS queues and the job table when a JobQueue is deleted. Retain is the default
// because the table is the only record of finished jobs.
public static class DeletionPolicies
{
    public const string Retain = "Retain";
    public const string Delete = "Delete";

    public static IReadOnlyList<string> All { get; } = [Retain, Delete];
}

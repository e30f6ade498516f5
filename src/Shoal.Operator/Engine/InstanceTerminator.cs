using Shoal.Aws.Errors;
using Shoal.Aws.Fleet;

namespace Shoal.Operator.Engine;

/// <summary>What the Worker finalizer calls: terminate one instance, idempotently.</summary>
internal sealed class InstanceTerminator(IEc2Api ec2, AwsRetry retry)
{
    public async Task TerminateAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await retry.RunAsync(ct => ec2.TerminateInstancesAsync([instanceId], ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            // Already gone: what the finalizer wanted.
        }
    }
}

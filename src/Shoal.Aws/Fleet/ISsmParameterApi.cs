namespace Shoal.Aws.Fleet;

/// <summary>The one SSM call the fleet makes: resolving an AMI from a parameter such as /aws/service/ami-…</summary>
public interface ISsmParameterApi
{
    Task<string> GetParameterAsync(string name, CancellationToken cancellationToken);
}

using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Shoal.Aws.Fleet;

public sealed class SsmParameterApi(IAmazonSimpleSystemsManagement ssm) : ISsmParameterApi
{
    public async Task<string> GetParameterAsync(string name, CancellationToken cancellationToken)
    {
        var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = name }, cancellationToken);
        return response.Parameter?.Value ?? "";
    }
}

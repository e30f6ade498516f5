using Amazon.SimpleSystemsManagement.Model;
using Shoal.Aws.Fleet;

namespace Shoal.Aws.Tests.Fleet;

public sealed class FakeSsmParameterApi : ISsmParameterApi
{
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal);

    public MockedFunction<string, string> GetParameter { get; } = new();

    public Task<string> GetParameterAsync(string name, CancellationToken cancellationToken) =>
        GetParameter.InvokeAsync(name, n => Parameters.TryGetValue(n, out var value)
            ? value
            : throw new ParameterNotFoundException($"Parameter {n} not found.") { ErrorCode = "ParameterNotFound" });
}

using Shoal.Operator.Hosting;

namespace Shoal.Operator.Tests.Hosting;

public sealed class OperatorOptionsCheckTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Good_settings_have_no_problems()
    {
        Assert.Empty(OperatorOptionsCheck.Problems(new OperatorOptions(), Env(("AWS_REGION", "eu-west-1"))));
        Assert.Empty(OperatorOptionsCheck.Problems(new OperatorOptions(), Env(("AWS_DEFAULT_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"))));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_what_to_do()
    {
        var options = new OperatorOptions
        {
            Kubeconfig = "/nonexistent/kubeconfig",
            OwnerId = " ",
            WorkersPerController = 0,
            GarbageCollectionGraceSeconds = 5,
        };

        var problems = OperatorOptionsCheck.Problems(options, Env(("AWS_ENDPOINT_URL", "localhost:5000")));

        Assert.Collection(
            problems,
            p => Assert.Contains("set AWS_REGION", p, StringComparison.Ordinal),
            p => Assert.Contains("\"localhost:5000\" is not an absolute http(s) URL", p, StringComparison.Ordinal),
            p => Assert.Contains("--kubeconfig /nonexistent/kubeconfig: no such file", p, StringComparison.Ordinal),
            p => Assert.Contains("--owner-id must not be empty", p, StringComparison.Ordinal),
            p => Assert.Contains("--workers must be a positive number, got 0", p, StringComparison.Ordinal),
            p => Assert.Contains("--gc-grace must be at least 60 seconds", p, StringComparison.Ordinal));
    }
}

namespace Shoal.KubeApi.Tests.Support;

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public KubectlResult EnsureSuccess()
        => ExitCode == 0 ? this : throw new InvalidOperationException($"kubectl exited with {ExitCode}:\n{Stdout}\n{Stderr}");
}

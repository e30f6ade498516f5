namespace Shoal.Cli.Jobs;

internal sealed class SubmitResult
{
    public int Sent { get; set; }

    public List<string> Invalid { get; } = [];

    public List<string> Skipped { get; } = [];
}

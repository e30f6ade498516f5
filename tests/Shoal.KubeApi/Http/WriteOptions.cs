namespace Shoal.KubeApi.Http;

/// <summary>Query options of a write (dryRun, fieldValidation, fieldManager, force) and the warnings it produced.</summary>
internal sealed class WriteOptions
{
    public bool DryRun { get; init; }

    /// <summary>Strict, Warn (the server's default) or Ignore.</summary>
    public string FieldValidation { get; init; } = "Warn";

    public string? FieldManager { get; init; }

    public bool Force { get; init; }

    public List<string> Warnings { get; } = [];
}

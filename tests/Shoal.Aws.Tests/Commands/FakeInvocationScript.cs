using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

/// <summary>How one scripted command behaves on its instance, poll by poll.</summary>
public sealed class FakeInvocationScript
{
    /// <summary>One status per GetCommandInvocation; the last one repeats.</summary>
    public IReadOnlyList<SsmInvocationStatus> Statuses { get; init; } = [SsmInvocationStatus.Success];

    /// <summary>StatusDetails of the last status (earlier ones report their own name).</summary>
    public string? Details { get; init; }

    public int ResponseCode { get; init; }

    public string Stdout { get; init; } = "";

    public string Stderr { get; init; } = "";

    /// <summary>The first N gets answer InvocationDoesNotExist (eventual consistency, or an instance that is gone).</summary>
    public int NotVisibleGets { get; init; }

    /// <summary>Every get answers InvocationDoesNotExist.</summary>
    public bool NeverVisible { get; init; }

    internal int Gets { get; set; }
}

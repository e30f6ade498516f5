namespace Shoal.Aws.Interruptions;

public enum InterruptionOutcome
{
    /// <summary>At least one of our workers was interrupted or drained.</summary>
    Handled,

    /// <summary>Valid, but about instances this host does not run: dropped.</summary>
    NotOurs,

    /// <summary>Valid and ours, but nothing to do (e.g. an instance became running).</summary>
    Ignored,

    /// <summary>Could not be read: logged and dropped, never retried.</summary>
    Malformed,
}

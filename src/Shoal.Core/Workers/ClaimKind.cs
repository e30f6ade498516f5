namespace Shoal.Core.Workers;

public enum ClaimKind
{
    /// <summary>The job is ours: write Next, then run it.</summary>
    Claimed,

    /// <summary>The job already ended: this message is a duplicate or a leftover; drop it.</summary>
    AlreadyTerminal,

    /// <summary>Another worker holds a live lease: put the message back until the lease would expire.</summary>
    HeldByOther,

    /// <summary>The previous holder was lost once too often: write Next (FAILED) and dead-letter.</summary>
    InfrastructureExhausted,
}

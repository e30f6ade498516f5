namespace Shoal.Core.Ports;

/// <summary>Visible: ready to receive. InFlight: received and not yet deleted. Delayed: sent or released with a delay.</summary>
public sealed record QueueDepth(long Visible, long InFlight, long Delayed, long DeadLettered = 0)
{
    public bool IsEmpty => Visible == 0 && InFlight == 0 && Delayed == 0;
}

using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Fakes;

/// <summary>Says yes or no to an idle worker's retirement and counts the questions.</summary>
public sealed class FakeRetirementGate : IRetirementGate
{
    private int asked;

    public bool Allow { get; set; } = true;

    public int Asked => Volatile.Read(ref asked);

    public bool TryRetire(string workerId)
    {
        Interlocked.Increment(ref asked);
        return Allow;
    }
}

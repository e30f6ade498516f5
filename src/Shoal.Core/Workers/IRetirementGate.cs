namespace Shoal.Core.Workers;

/// <summary>Asked by an idle worker before it retires: the pool keeps its minimum.</summary>
public interface IRetirementGate
{
    bool TryRetire(string workerId);
}

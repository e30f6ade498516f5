namespace Shoal.E2ETests;

// Each scenario runs its own k3s container plus an operator process: one at a time on a laptop is plenty.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class E2EScenarios
{
    public const string Name = "k3s scenarios";
}

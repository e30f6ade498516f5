namespace Shoal.IntegrationTests.Operator;

// Operator scenarios each start a process that drives moto hard: run them one at a time.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperatorScenarios
{
    public const string Name = "operator scenarios";
}

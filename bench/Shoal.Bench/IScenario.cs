using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>One named benchmark: prints its result block and returns the same numbers for results.json.</summary>
internal interface IScenario
{
    string Name { get; }

    string Summary { get; }

    Task<JsonObject> RunAsync(BenchContext context, CancellationToken cancellationToken);
}

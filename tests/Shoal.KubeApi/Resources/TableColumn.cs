using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Resources;

/// <summary>
/// One column of a server-side Table. Cells are rendered on the server (ages included), exactly as kubectl
/// expects: it prints them verbatim.
/// </summary>
internal sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority,
    Func<JsonObject, DateTimeOffset, JsonNode?> Cell);

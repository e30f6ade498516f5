using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Storage;

/// <summary>One line of a watch stream: {"type": Type, "object": Object}.</summary>
internal sealed record WatchItem(string Type, JsonObject Object);

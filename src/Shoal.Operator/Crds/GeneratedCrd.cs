using System.Text.Json.Nodes;

namespace Shoal.Operator.Crds;

// One CustomResourceDefinition: the object (for code that registers it) and the file that carries it.
internal sealed record GeneratedCrd(Type ResourceType, string FileName, JsonObject Definition, string Yaml);

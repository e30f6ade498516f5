using System.Text.Json.Nodes;

namespace Shoal.Deploy.Tests.Iam;

// One statement of a policy; Resources is empty for a trust policy's statements (they name a Principal).
public sealed record IamStatement(string? Sid, string Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, JsonObject? Condition);

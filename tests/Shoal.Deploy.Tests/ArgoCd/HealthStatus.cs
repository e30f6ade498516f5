namespace Shoal.Deploy.Tests.ArgoCd;

// What an Argo CD health script returned: hs.status and hs.message.
internal sealed record HealthStatus(string Status, string Message);

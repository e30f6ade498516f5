using System.Text.Json;

namespace Shoal.Operator.Runtime;

// The metav1.Status an API server sends with every error (and inside watch ERROR events). Parsed by hand so a
// proxy's HTML or plain-text error page still becomes a readable message instead of a JSON exception.
internal sealed record KubeStatus(int Code, string? Reason, string Message)
{
    private const int MaxMessage = 1000;

    public static KubeStatus Parse(int httpCode, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return From(doc.RootElement, httpCode);
        }
        catch (JsonException)
        {
            return new KubeStatus(httpCode, null, Shorten(body));
        }
    }

    public static KubeStatus From(JsonElement status, int fallbackCode)
    {
        if (status.ValueKind != JsonValueKind.Object)
        {
            return new KubeStatus(fallbackCode, null, Shorten(status.GetRawText()));
        }

        var code = status.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : fallbackCode;
        var reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var message = status.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return new KubeStatus(code, string.IsNullOrEmpty(reason) ? null : reason, Shorten(message ?? status.GetRawText()));
    }

    private static string Shorten(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= MaxMessage ? trimmed : string.Concat(trimmed.AsSpan(0, MaxMessage), "…");
    }
}

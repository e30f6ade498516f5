namespace Shoal.Operator.Tests.Runtime;

internal sealed record RecordedRequest(string Method, string PathAndQuery, string? ContentType, string? Body, string? Authorization, string Accept);

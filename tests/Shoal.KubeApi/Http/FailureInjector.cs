namespace Shoal.KubeApi.Http;

/// <summary>Failures tests asked for: the next N requests matching (verb, resource, subresource) fail with a status.</summary>
internal sealed class FailureInjector
{
    private sealed class Rule(string verb, string resource, string? subresource, int statusCode, int remaining)
    {
        public string Verb { get; } = verb;

        public string Resource { get; } = resource;

        public string? Subresource { get; } = subresource;

        public int StatusCode { get; } = statusCode;

        public int Remaining { get; set; } = remaining;
    }

    private readonly Lock gate = new();
    private readonly List<Rule> rules = [];

    public void Add(string verb, string resource, string? subresource, int statusCode, int times)
    {
        lock (gate)
        {
            rules.Add(new Rule(verb, resource, subresource, statusCode, times));
        }
    }

    /// <summary>The status code to fail this request with, consuming one use of the first matching rule.</summary>
    public int? Take(string verb, string? resource, string? subresource)
    {
        if (resource is null)
        {
            return null;
        }

        lock (gate)
        {
            var rule = rules.FirstOrDefault(r => r.Remaining > 0 && r.Verb == verb && r.Resource == resource && r.Subresource == subresource);
            if (rule is null)
            {
                return null;
            }

            rule.Remaining--;
            return rule.StatusCode;
        }
    }
}

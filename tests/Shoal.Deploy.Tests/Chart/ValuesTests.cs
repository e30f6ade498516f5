using System.Text.Json.Nodes;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Chart;

public sealed class ValuesTests
{
    [Fact]
    public void The_charts_own_values_pass_its_schema()
    {
        Assert.Empty(ValuesSchema.Errors(ValuesSchema.Defaults()));
    }

    [Theory]
    [InlineData("aws: {region: eu-west-2, endpointUrl: 'http://127.0.0.1:5000'}")]
    [InlineData("watchNamespace: team-a")]
    [InlineData("aws: {ownerId: 'eks/prod-eu_1'}")]
    [InlineData("serviceAccount: {annotations: {eks.amazonaws.com/role-arn: 'arn:aws:iam::111122223333:role/shoal-operator'}}")]
    [InlineData("metrics: {serviceMonitor: {enabled: true, interval: 15s, labels: {release: prometheus}}}")]
    [InlineData("replicaCount: 1\nleaderElection: {enabled: false}")]
    [InlineData("extraArgs: ['--gc-grace=900']\nextraEnv: [{name: AWS_STS_REGIONAL_ENDPOINTS, value: regional}]")]
    public void Values_a_user_would_set_are_accepted(string overrides)
    {
        Assert.Empty(ValuesSchema.Errors(ValuesSchema.With(overrides)));
    }

    [Theory]
    [InlineData("replicaCount: two", "/replicaCount")]
    [InlineData("replicaCount: 0", "/replicaCount")]
    [InlineData("watchNamespaces: team-a", "/watchNamespaces")]
    [InlineData("logging: {level: Loud}", "/logging/level")]
    [InlineData("logging: {format: xml}", "/logging/format")]
    [InlineData("aws: {region: US East}", "/aws/region")]
    [InlineData("aws: {endpointUrl: 'localhost:5000'}", "/aws/endpointUrl")]
    [InlineData("aws: {ownerId: ''}", "/aws/ownerId")]
    [InlineData("aws: {ownerId: 'cluster a: prod'}", "/aws/ownerId")]
    [InlineData("controller: {gcGraceSeconds: 30}", "/controller/gcGraceSeconds")]
    [InlineData("leaderElection: {enabled: 'yes'}", "/leaderElection/enabled")]
    [InlineData("image: {pullPolicy: Sometimes}", "/image/pullPolicy")]
    [InlineData("serviceAccount: {annotations: {a: 1}}", "/serviceAccount/annotations/a")]
    [InlineData("extraArgs: ['gc-grace=900']", "/extraArgs/0")]
    public void Bad_values_are_refused_at_the_key_that_is_wrong(string overrides, string location)
    {
        var errors = ValuesSchema.Errors(ValuesSchema.With(overrides));

        Assert.Contains(errors, e => e.StartsWith(location + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_value_a_template_reads_exists_in_values_yaml()
    {
        var values = ValuesSchema.Defaults();
        var missing = ChartTemplate.TemplateFiles()
            .SelectMany(f => ChartTemplate.ValueReferences(File.ReadAllText(f)).Select(path => (File: Path.GetFileName(f), Path: path)))
            .Where(r => !Exists(values, r.Path))
            .Select(r => $"{r.File}: .Values.{r.Path}");

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_value_in_values_yaml_is_read_by_a_template()
    {
        var references = ChartTemplate.TemplateFiles().SelectMany(f => ChartTemplate.ValueReferences(File.ReadAllText(f))).ToHashSet(StringComparer.Ordinal);
        var unused = Leaves(ValuesSchema.Defaults(), "")
            .Where(leaf => !references.Any(r => leaf == r || leaf.StartsWith(r + ".", StringComparison.Ordinal)));

        Assert.Empty(unused);
    }

    [Fact]
    public void The_schema_describes_exactly_the_keys_of_values_yaml()
    {
        var schema = JsonNode.Parse(RepoPaths.Read("charts", "shoal", "values.schema.json"))!["properties"]!.AsObject().Select(p => p.Key).Where(k => k != "global");
        var values = ValuesSchema.Defaults().AsObject().Select(p => p.Key);

        Assert.Equal(values.Order(StringComparer.Ordinal), schema.Order(StringComparer.Ordinal));
    }

    private static bool Exists(JsonNode values, string path)
    {
        JsonNode? node = values;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject map || !map.ContainsKey(part))
            {
                return false;
            }

            node = map[part];
        }

        return true;
    }

    // Paths to scalars, lists and empty maps: the values a user sets.
    private static IEnumerable<string> Leaves(JsonNode? node, string prefix) => node switch
    {
        JsonObject { Count: > 0 } map => map.SelectMany(kv => Leaves(kv.Value, prefix.Length == 0 ? kv.Key : $"{prefix}.{kv.Key}")),
        _ => [prefix],
    };
}

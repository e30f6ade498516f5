using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Shoal.Api.Schema;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

// A constraint the generator cannot express must stop generation, saying where and what to do instead;
// silently dropping it would ship a CRD that accepts what `shoal run` rejects.
public sealed class CrdGeneratorErrorTests
{
    [Fact]
    public void UnsupportedValidationAttributeNamesThePropertyAndTheAlternatives()
    {
        var e = Assert.Throws<NotSupportedException>(() => CrdGenerator.Definition(typeof(EmailResource)));

        Assert.Contains("EmailSpec.Contact: [EmailAddress]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[CelRule]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PatternOnANumberIsRejected()
    {
        var e = Assert.Throws<NotSupportedException>(() => CrdGenerator.Definition(typeof(PatternOnIntResource)));

        Assert.Contains("PatternOnIntSpec.Count: [RegularExpression] on a field of type integer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultOutsideTheEnumIsRejected()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CrdGenerator.Definition(typeof(BadDefaultResource)));

        Assert.Contains("BadDefaultSpec.Mode: the default \"fast\" is not one of its allowed values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrinterColumnForAFieldThatDoesNotExistIsRejected()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CrdGenerator.Definition(typeof(TypoColumnResource)));

        Assert.Contains(".status.countz", e.Message, StringComparison.Ordinal);
        Assert.Contains("names no field", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindThatDisagreesWithTheInitializerIsRejected()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CrdGenerator.Definition(typeof(MislabelledResource)));

        Assert.Contains("starts as \"Other\" but [CustomResource] registers \"Mislabelled\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecursiveTypeIsRejected()
    {
        var e = Assert.Throws<NotSupportedException>(() => CrdGenerator.Definition(typeof(RecursiveResource)));

        Assert.Contains("Node contains itself", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeWithoutCustomResourceIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => CrdGenerator.Definition(typeof(JobQueueSpec)));

        Assert.Contains("JobQueueSpec has no [CustomResource]", e.Message, StringComparison.Ordinal);
    }

    private abstract class Resource<TSpec> : IResource
        where TSpec : new()
    {
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = WellKnown.ApiVersion;

        [JsonPropertyName("kind")]
        public abstract string Kind { get; set; }

        [JsonPropertyName("metadata")]
        public ObjectMeta Metadata { get; set; } = new();

        [JsonPropertyName("spec")]
        public TSpec Spec { get; set; } = new();
    }

    [CustomResource(WellKnown.Group, WellKnown.Version, "Email", Plural = "emails", Singular = "email", ListKind = "EmailList")]
    private sealed class EmailResource : Resource<EmailSpec>
    {
        public override string Kind { get; set; } = "Email";
    }

    private sealed class EmailSpec
    {
        [JsonPropertyName("contact")]
        [EmailAddress]
        public string Contact { get; set; } = "";
    }

    [CustomResource(WellKnown.Group, WellKnown.Version, "PatternOnInt", Plural = "patternonints", Singular = "patternonint", ListKind = "PatternOnIntList")]
    private sealed class PatternOnIntResource : Resource<PatternOnIntSpec>
    {
        public override string Kind { get; set; } = "PatternOnInt";
    }

    private sealed class PatternOnIntSpec
    {
        [JsonPropertyName("count")]
        [RegularExpression("^[0-9]+$")]
        public int Count { get; set; }
    }

    [CustomResource(WellKnown.Group, WellKnown.Version, "BadDefault", Plural = "baddefaults", Singular = "baddefault", ListKind = "BadDefaultList")]
    private sealed class BadDefaultResource : Resource<BadDefaultSpec>
    {
        public override string Kind { get; set; } = "BadDefault";
    }

    private sealed class BadDefaultSpec
    {
        [JsonPropertyName("mode")]
        [DefaultValue("fast")]
        [AllowedValues("slow", "steady")]
        public string Mode { get; set; } = "fast";
    }

    [CustomResource(WellKnown.Group, WellKnown.Version, "TypoColumn", Plural = "typocolumns", Singular = "typocolumn", ListKind = "TypoColumnList")]
    [PrinterColumn("Count", "integer", ".status.countz")]
    private sealed class TypoColumnResource : Resource<EmptySpec>
    {
        public override string Kind { get; set; } = "TypoColumn";

        [JsonPropertyName("status")]
        public CountStatus? Status { get; set; }
    }

    private sealed class EmptySpec
    {
        [JsonPropertyName("note")]
        public string? Note { get; set; }
    }

    private sealed class CountStatus
    {
        [JsonPropertyName("count")]
        public int Count { get; set; }
    }

    [CustomResource(WellKnown.Group, WellKnown.Version, "Mislabelled", Plural = "mislabelleds", Singular = "mislabelled", ListKind = "MislabelledList")]
    private sealed class MislabelledResource : Resource<EmptySpec>
    {
        public override string Kind { get; set; } = "Other";
    }

    [CustomResource(WellKnown.Group, WellKnown.Version, "Recursive", Plural = "recursives", Singular = "recursive", ListKind = "RecursiveList")]
    private sealed class RecursiveResource : Resource<Node>
    {
        public override string Kind { get; set; } = "Recursive";
    }

    private sealed class Node
    {
        [JsonPropertyName("next")]
        public Node? Next { get; set; }
    }
}

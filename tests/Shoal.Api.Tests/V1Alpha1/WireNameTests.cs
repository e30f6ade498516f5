using System.Reflection;
using System.Text.Json.Serialization;
using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.V1Alpha1;

// The JSON names are the CRD's wire contract: they must not depend on whichever serializer options a host uses.
public sealed class WireNameTests
{
    // The resource types; Shoal.Api.Schema holds attributes, which are not on the wire.
    public static TheoryData<Type> ApiClasses()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(WellKnown).Assembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && t.Namespace == typeof(WellKnown).Namespace))
            data.Add(type);
        return data;
    }

    [Theory]
    [MemberData(nameof(ApiClasses))]
    public void EveryPropertyHasAnExplicitCamelCaseWireName(Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            Assert.True(name is not null, $"{type.Name}.{property.Name} has no [JsonPropertyName]");
            Assert.Equal(char.ToLowerInvariant(property.Name[0]) + property.Name[1..], name);
        }
    }

    [Fact]
    public void ApiTypesAreSealed()
    {
        var unsealed = typeof(WellKnown).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed))
            .Select(t => t.Name);

        Assert.Empty(unsealed);
    }
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization;
using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.Schema;

// The attributes are what the CRD generator reads; these tests tie them to the values the code uses, so
// the schema cannot promise a default or an enum the types do not have.
public sealed class SchemaAnnotationTests
{
    private static readonly Type[] Roots = [typeof(JobQueue), typeof(WorkerPool), typeof(Worker)];

    // SpecDefaults field → the property whose default it is.
    private static readonly (string Field, Type Type, string Property)[] DefaultHomes =
    [
        (nameof(SpecDefaults.MaxReceiveCount), typeof(DeadLetterSpec), nameof(DeadLetterSpec.MaxReceiveCount)),
        (nameof(SpecDefaults.FinishedQueueEnabled), typeof(FinishedQueueSpec), nameof(FinishedQueueSpec.Enabled)),
        (nameof(SpecDefaults.Retry), typeof(JobDefaultsSpec), nameof(JobDefaultsSpec.Retry)),
        (nameof(SpecDefaults.Platform), typeof(JobDefaultsSpec), nameof(JobDefaultsSpec.Platform)),
        (nameof(SpecDefaults.MaxInterruptions), typeof(JobQueueSpec), nameof(JobQueueSpec.MaxInterruptions)),
        (nameof(SpecDefaults.LeaseSeconds), typeof(JobQueueSpec), nameof(JobQueueSpec.LeaseSeconds)),
        (nameof(SpecDefaults.ExecutableSuffix), typeof(IngestSpec), nameof(IngestSpec.ExecutableSuffix)),
        (nameof(SpecDefaults.RetentionDays), typeof(RetentionSpec), nameof(RetentionSpec.Days)),
        (nameof(SpecDefaults.DeletionPolicy), typeof(JobQueueSpec), nameof(JobQueueSpec.DeletionPolicy)),
        (nameof(SpecDefaults.MinWorkers), typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.MinWorkers)),
        (nameof(SpecDefaults.MaxWorkers), typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.MaxWorkers)),
        (nameof(SpecDefaults.JobsPerWorker), typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.JobsPerWorker)),
        (nameof(SpecDefaults.IdleTimeoutSeconds), typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.IdleTimeoutSeconds)),
        (nameof(SpecDefaults.Capacity), typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.Capacity)),
        (nameof(SpecDefaults.AllocationStrategy), typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.AllocationStrategy)),
        (nameof(SpecDefaults.OutputPrefix), typeof(OutputSpec), nameof(OutputSpec.Prefix)),
    ];

    public static TheoryData<Type, string, IReadOnlyList<string>> Enums() => new()
    {
        { typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.Capacity), CapacityTypes.All },
        { typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.AllocationStrategy), AllocationStrategies.All },
        { typeof(WorkerPoolSpec), nameof(WorkerPoolSpec.Platform), Platforms.All },
        { typeof(JobDefaultsSpec), nameof(JobDefaultsSpec.Platform), Platforms.All },
        { typeof(IngestSpec), nameof(IngestSpec.Platform), Platforms.All },
        { typeof(JobQueueSpec), nameof(JobQueueSpec.DeletionPolicy), DeletionPolicies.All },
        { typeof(Condition), nameof(Condition.Status), ConditionStatuses.All },
        { typeof(WorkerStatus), nameof(WorkerStatus.Phase), WorkerPhases.All },
    };

    [Fact]
    public void EverySpecDefaultIsTheDeclaredDefaultOfItsProperty()
    {
        var fields = typeof(SpecDefaults).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).Order().ToList();
        Assert.Equal(fields, DefaultHomes.Select(h => h.Field).Order().ToList());

        foreach (var (field, type, name) in DefaultHomes)
        {
            var property = type.GetProperty(name)!;
            var declared = property.GetCustomAttribute<DefaultValueAttribute>();
            Assert.True(declared is not null, $"{type.Name}.{name} has no [DefaultValue] for SpecDefaults.{field}");
            Assert.Equal(typeof(SpecDefaults).GetField(field)!.GetValue(null), declared.Value);
        }
    }

    [Fact]
    public void EveryDeclaredDefaultIsWhatANewObjectStartsWith()
    {
        var checkedCount = 0;
        foreach (var type in ReachableTypes())
        {
            var fresh = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties())
            {
                if (property.GetCustomAttribute<DefaultValueAttribute>() is not { } declared)
                    continue;
                Assert.True(Equals(declared.Value, property.GetValue(fresh)), $"{type.Name}.{property.Name}: [DefaultValue({declared.Value})] but a new object has {property.GetValue(fresh)}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= DefaultHomes.Length);
    }

    [Theory]
    [MemberData(nameof(Enums))]
    public void AllowedValuesAreTheNamedConstants(Type type, string property, IReadOnlyList<string> all)
    {
        var allowed = type.GetProperty(property)!.GetCustomAttribute<AllowedValuesAttribute>();

        Assert.NotNull(allowed);
        Assert.Equal(all, allowed.Values.Cast<string>());
    }

    [Fact]
    public void EveryAllowedValuesAttributeIsCheckedAgainstItsConstants()
    {
        // An enum written out by hand could drop a value its constants class gained; find any not in the table.
        var covered = Enums().Select(row => ((Type)row[0], (string)row[1])).ToHashSet();
        var missing = ReachableTypes()
            .SelectMany(t => t.GetProperties().Select(p => (Type: t, Property: p)))
            .Where(x => x.Property.GetCustomAttribute<AllowedValuesAttribute>() is not null && !covered.Contains((x.Type, x.Property.Name)))
            .Select(x => $"{x.Type.Name}.{x.Property.Name}");

        // Every enum in the types is checked against its constants above, except WorkerStatus.CapacityType,
        // which only the fleet's two answers can fill.
        Assert.Equal(["WorkerStatus.CapacityType"], missing);
        Assert.Equal([CapacityTypes.Spot, CapacityTypes.OnDemand], typeof(WorkerStatus).GetProperty(nameof(WorkerStatus.CapacityType))!.GetCustomAttribute<AllowedValuesAttribute>()!.Values.Cast<string>());
    }

    [Fact]
    public void EveryFieldUsersSeeHasADescription()
    {
        var undescribed = ReachableTypes()
            .SelectMany(t => t.GetProperties().Select(p => (Type: t, Property: p)))
            .Where(x => x.Type != typeof(ObjectMeta) && x.Type != typeof(OwnerReference) && !Roots.Contains(x.Type))
            .Where(x => x.Property.GetCustomAttribute<DescriptionAttribute>() is null)
            .Select(x => $"{x.Type.Name}.{x.Property.Name}");

        Assert.Empty(undescribed);
        foreach (var root in Roots)
        {
            Assert.NotNull(root.GetCustomAttribute<DescriptionAttribute>());
            Assert.NotNull(root.GetProperty("Spec")!.GetCustomAttribute<DescriptionAttribute>());
            Assert.NotNull(root.GetProperty("Status")!.GetCustomAttribute<DescriptionAttribute>());
        }
    }

    [Fact]
    public void NullablePropertiesAreOmittedWhenNullSoTheyNeverReachTheApiServerAsNull()
    {
        var context = new NullabilityInfoContext();
        var written = ReachableTypes()
            .SelectMany(t => t.GetProperties().Select(p => (Type: t, Property: p)))
            .Where(x => context.Create(x.Property).ReadState == NullabilityState.Nullable)
            .Where(x => x.Property.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition != JsonIgnoreCondition.WhenWritingNull)
            .Select(x => $"{x.Type.Name}.{x.Property.Name}");

        Assert.Empty(written);
    }

    private static List<Type> ReachableTypes()
    {
        var found = new List<Type>();
        var pending = new Queue<Type>(Roots);
        while (pending.TryDequeue(out var type))
        {
            if (found.Contains(type))
                continue;
            found.Add(type);
            foreach (var property in type.GetProperties())
            {
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                var candidates = t.IsGenericType ? t.GetGenericArguments() : [t];
                foreach (var candidate in candidates.Where(c => c.Namespace == typeof(WellKnown).Namespace && c.IsClass))
                    pending.Enqueue(candidate);
            }
        }
        return found;
    }
}

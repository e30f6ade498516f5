using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.V1Alpha1;

public sealed class WellKnownTests
{
    [Fact]
    public void ApiVersionIsGroupSlashVersion()
    {
        Assert.Equal("shoal.dev", WellKnown.Group);
        Assert.Equal("v1alpha1", WellKnown.Version);
        Assert.Equal("shoal.dev/v1alpha1", WellKnown.ApiVersion);
    }

    [Theory]
    [InlineData(WellKnown.JobQueueKind, WellKnown.JobQueuePlural, WellKnown.JobQueueSingular, WellKnown.JobQueueShortName, WellKnown.JobQueueListKind, "JobQueue", "jobqueues", "jq")]
    [InlineData(WellKnown.WorkerPoolKind, WellKnown.WorkerPoolPlural, WellKnown.WorkerPoolSingular, WellKnown.WorkerPoolShortName, WellKnown.WorkerPoolListKind, "WorkerPool", "workerpools", "wp")]
    [InlineData(WellKnown.WorkerKind, WellKnown.WorkerPlural, WellKnown.WorkerSingular, WellKnown.WorkerShortName, WellKnown.WorkerListKind, "Worker", "workers", "wk")]
    public void NamesFollowKubernetesConventions(string kind, string plural, string singular, string shortName, string listKind, string expectedKind, string expectedPlural, string expectedShortName)
    {
        Assert.Equal(expectedKind, kind);
        Assert.Equal(expectedPlural, plural);
        Assert.Equal(expectedShortName, shortName);
        // kubectl derives these from the kind; a mismatch breaks `kubectl get <singular>` and list decoding.
        Assert.Equal(kind.ToLowerInvariant(), singular);
        Assert.Equal(kind + "List", listKind);
    }

    [Fact]
    public void CategoryLetsKubectlGetShoalListEveryKind()
    {
        Assert.Equal("shoal", WellKnown.Category);
    }

    [Fact]
    public void DerivedNameSuffixesMatchTheSeed()
    {
        Assert.Equal("-job-queue", WellKnown.QueueNameSuffix);
        Assert.Equal("-job-monitoring", WellKnown.TableNameSuffix);
    }

    [Fact]
    public void DefaultsAreMembersOfTheirAllowedValues()
    {
        Assert.Contains(SpecDefaults.Platform, Platforms.All);
        Assert.Contains(SpecDefaults.Capacity, CapacityTypes.All);
        Assert.Contains(SpecDefaults.AllocationStrategy, AllocationStrategies.All);
        Assert.Contains(SpecDefaults.DeletionPolicy, DeletionPolicies.All);
        Assert.Equal(["spot", "on-demand", "spot-then-on-demand"], CapacityTypes.All);
        Assert.Equal(["price-capacity-optimized", "capacity-optimized", "lowest-price", "diversified"], AllocationStrategies.All);
        Assert.Equal(["linux", "windows"], Platforms.All);
        Assert.Equal(["Retain", "Delete"], DeletionPolicies.All);
        Assert.Equal(["True", "False", "Unknown"], ConditionStatuses.All);
    }
}

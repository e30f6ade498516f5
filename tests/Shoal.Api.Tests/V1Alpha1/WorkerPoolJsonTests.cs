using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.V1Alpha1;

public sealed class WorkerPoolJsonTests
{
    [Fact]
    public void MinimalSpecDeserializesToTheDocumentedDefaults()
    {
        var pool = JsonSerializer.Deserialize<WorkerPool>("""{"metadata":{"name":"p"},"spec":{"jobQueueRef":{"name":"q"}}}""")!;

        var spec = pool.Spec;
        Assert.Equal("shoal.dev/v1alpha1", pool.ApiVersion);
        Assert.Equal("WorkerPool", pool.Kind);
        Assert.Equal("q", spec.JobQueueRef.Name);
        Assert.Equal(0, spec.MinWorkers);
        Assert.Equal(10, spec.MaxWorkers);
        Assert.Equal(1, spec.JobsPerWorker);
        Assert.Equal(60, spec.IdleTimeoutSeconds);
        Assert.Equal("spot", spec.Capacity);
        Assert.Equal("price-capacity-optimized", spec.AllocationStrategy);
        Assert.Null(spec.Template);
        Assert.Null(spec.Platform);
        Assert.Null(spec.MaxJobsPerWorker);
        Assert.Null(spec.MaxLifetimeSeconds);
    }

    [Fact]
    public void FullyPopulatedPoolRoundTripsWithExactWireNames()
    {
        const string Json = """
            {
              "apiVersion": "shoal.dev/v1alpha1",
              "kind": "WorkerPool",
              "metadata": { "name": "gpu", "namespace": "team-a" },
              "spec": {
                "jobQueueRef": { "name": "render" },
                "minWorkers": 1,
                "maxWorkers": 500,
                "jobsPerWorker": 2,
                "idleTimeoutSeconds": 90,
                "template": {
                  "ami": "ami-0123456789abcdef0",
                  "amiParameter": "/aws/service/ami",
                  "instanceTypes": ["m7i.large", "c7i.large"],
                  "instanceRequirements": { "vcpuMin": 2, "vcpuMax": 8, "memoryMiBMin": 4096, "memoryMiBMax": 32768 },
                  "subnets": ["subnet-0123456789abcdef0"],
                  "securityGroups": ["sg-0123456789abcdef0"],
                  "instanceProfile": "shoal-worker",
                  "userData": "#!/bin/bash\necho hi",
                  "tags": { "team": "a", "cost-center": "42" }
                },
                "capacity": "spot-then-on-demand",
                "allocationStrategy": "capacity-optimized",
                "platform": "windows",
                "maxJobsPerWorker": 100,
                "maxLifetimeSeconds": 86400
              },
              "status": {
                "observedGeneration": 3,
                "desired": 10,
                "launching": 2,
                "ready": 8,
                "busy": 6,
                "draining": 1,
                "instanceTypes": { "m7i.large": 5, "c7i.large": 3 },
                "conditions": [
                  { "type": "Ready", "status": "False", "lastTransitionTime": "2025-03-01T10:05:00+00:00", "reason": "LaunchFailed", "message": "InsufficientInstanceCapacity" }
                ]
              }
            }
            """;

        var pool = JsonSerializer.Deserialize<WorkerPool>(Json)!;
        var again = JsonSerializer.Serialize(pool);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Json), JsonNode.Parse(again)), again);
        Assert.Equal(32768, pool.Spec.Template!.InstanceRequirements!.MemoryMiBMax);
        Assert.Equal(5, pool.Status!.InstanceTypes["m7i.large"]);
        Assert.Null(pool.Status.Conditions[0].ObservedGeneration);
    }

    [Fact]
    public void UnsetTemplateFieldsAreOmittedRatherThanWrittenAsNull()
    {
        var json = JsonSerializer.Serialize(new WorkerTemplate { InstanceTypes = ["m7i.large"] });

        Assert.Equal("""{"instanceTypes":["m7i.large"]}""", json);
    }
}

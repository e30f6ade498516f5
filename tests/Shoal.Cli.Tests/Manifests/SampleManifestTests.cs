using Shoal.Aws.Hosting;
using Shoal.Cli.Manifests;
using Shoal.Core.Jobs;

namespace Shoal.Cli.Tests.Manifests;

// config/samples/local is what `shoal run --manifests config/samples/local` uses; it must stay loadable.
public sealed class SampleManifestTests
{
    private static readonly string Samples = Path.Combine(RepoRoot.Find(), "config", "samples", "local");

    [Fact]
    public void LocalSamplesLoadCleanly()
    {
        var set = ManifestLoader.Load(Samples);

        var queue = Assert.Single(set.JobQueues);
        var pool = Assert.Single(set.WorkerPools);
        Assert.Empty(set.Warnings);
        Assert.Equal("demo", queue.Metadata.Name);
        Assert.Equal("demo-pool", pool.Metadata.Name);
        Assert.Same(queue, set.JobQueueFor(pool));
        Assert.Equal([pool], set.WorkerPoolsFor(queue));
        Assert.False(string.IsNullOrWhiteSpace(queue.Spec.Ingest?.LocalPath));
    }

    [Fact]
    public void LocalSamplesMapToTheDemoEngineSettings()
    {
        var set = ManifestLoader.Load(Samples);

        var queue = SpecMapper.ToQueueSettings(set.JobQueues[0]);
        var pool = SpecMapper.ToPoolSettings(set.WorkerPools[0]);

        Assert.Equal("demo", queue.Name);
        Assert.Equal(Platform.Linux, queue.Defaults.Platform);
        Assert.NotNull(queue.Defaults.SuccessString);
        Assert.Equal("demo-pool", pool.Name);
        Assert.Equal(4, pool.MaxWorkers);
        Assert.Equal(TimeSpan.FromSeconds(2), pool.IdleTimeout);
    }

    [Fact]
    public void AwsSamplesLoadCleanlyWithAnIngestBucketAndASpotTemplate()
    {
        var set = ManifestLoader.Load(Path.Combine(RepoRoot.Find(), "config", "samples", "aws"));

        var queue = Assert.Single(set.JobQueues);
        var pool = Assert.Single(set.WorkerPools);
        Assert.Empty(set.Warnings);
        Assert.Same(queue, set.JobQueueFor(pool));
        Assert.Equal("demo-job-queue", SpecMapper.QueueNameOf(queue));
        Assert.Equal("demo-job-monitoring", SpecMapper.TableNameOf(queue));
        Assert.Equal("shoal-demo-drop", queue.Spec.Ingest?.Bucket);
        Assert.Equal("spot", pool.Spec.Capacity);
        Assert.NotEmpty(pool.Spec.Template!.InstanceTypes!);
    }
}

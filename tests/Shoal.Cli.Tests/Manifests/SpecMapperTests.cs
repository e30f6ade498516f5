using Shoal.Api.V1Alpha1;
using Shoal.Aws.Hosting;
using Shoal.Cli.Manifests;
using Shoal.Core.Jobs;
using Shoal.Core.Scaling;

namespace Shoal.Cli.Tests.Manifests;

public sealed class SpecMapperTests
{
    [Fact]
    public void QueueSettingsCarryNameDefaultsAndBudgets()
    {
        var queue = ManifestLoader.Parse("q.yaml", Yaml.QueueWithSpec("""
              jobDefaults:
                retry: 0
                successString: DONE
                document: AWS-RunPowerShellScript
                timeoutSeconds: 900
                platform: windows
              maxInterruptions: 4
              leaseSeconds: 45
            """)).JobQueues[0];

        var settings = SpecMapper.ToQueueSettings(queue);

        Assert.Equal("demo", settings.Name);
        Assert.Equal(0, settings.Defaults.Retry);
        Assert.Equal("DONE", settings.Defaults.SuccessString);
        Assert.Equal("AWS-RunPowerShellScript", settings.Defaults.Document);
        Assert.Equal(900, settings.Defaults.TimeoutSeconds);
        Assert.Equal(Platform.Windows, settings.Defaults.Platform);
        Assert.Equal(4, settings.MaxInterruptions);
        Assert.Equal(TimeSpan.FromSeconds(45), settings.LeaseDuration);
    }

    [Fact]
    public void DefaultQueueMapsToTheEngineDefaults()
    {
        var settings = SpecMapper.ToQueueSettings(new JobQueue { Metadata = new ObjectMeta { Name = "q" } });

        Assert.Equal(3, settings.Defaults.Retry);
        Assert.Null(settings.Defaults.SuccessString);
        Assert.Null(settings.Defaults.TimeoutSeconds);
        Assert.Equal("AWS-RunShellScript", settings.Defaults.DocumentFor());
        Assert.Equal(10, settings.MaxInterruptions);
        Assert.Equal(new QueueSettings { Name = "q" }.LeaseDuration, settings.LeaseDuration);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.LeaseDuration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BlankSuccessStringMeansNoOutputCheck(string blank)
    {
        var defaults = SpecMapper.ToJobDefaults(new JobDefaultsSpec { SuccessString = blank });

        Assert.Null(defaults.SuccessString);
    }

    [Fact]
    public void PoolSettingsConvertSecondsToTimeSpans()
    {
        var pool = ManifestLoader.Parse("p.yaml", Yaml.Queue + "\n---\n" + Yaml.Pool("""
              minWorkers: 2
              maxWorkers: 7
              jobsPerWorker: 3
              idleTimeoutSeconds: 45
              maxJobsPerWorker: 20
              maxLifetimeSeconds: 3600
            """)).WorkerPools[0];

        var settings = SpecMapper.ToPoolSettings(pool);

        Assert.Equal("demo-pool", settings.Name);
        Assert.Equal(2, settings.MinWorkers);
        Assert.Equal(7, settings.MaxWorkers);
        Assert.Equal(3, settings.JobsPerWorker);
        Assert.Equal(TimeSpan.FromSeconds(45), settings.IdleTimeout);
        Assert.Equal(20, settings.MaxJobsPerWorker);
        Assert.Equal(TimeSpan.FromHours(1), settings.MaxLifetime);
    }

    [Fact]
    public void UnsetPoolLimitsStayUnlimited()
    {
        var settings = SpecMapper.ToPoolSettings(new WorkerPool { Metadata = new ObjectMeta { Name = "p" } });

        Assert.Null(settings.MaxJobsPerWorker);
        Assert.Null(settings.MaxLifetime);
        Assert.Equal(10, settings.MaxWorkers);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.IdleTimeout);
    }

    [Fact]
    public void QueueAndTableNamesDefaultFromTheQueueNameLikeTheSeed()
    {
        var queue = new JobQueue { Metadata = new ObjectMeta { Name = "render" } };

        Assert.Equal("render-job-queue", SpecMapper.QueueNameOf(queue));
        Assert.Equal("render-job-monitoring", SpecMapper.TableNameOf(queue));

        queue.Spec.QueueName = "custom-q";
        queue.Spec.TableName = "custom-t";
        Assert.Equal("custom-q", SpecMapper.QueueNameOf(queue));
        Assert.Equal("custom-t", SpecMapper.TableNameOf(queue));
    }

    [Fact]
    public void UnvalidatedPlatformIsRejectedNotGuessed()
    {
        var error = Assert.Throws<ArgumentException>(() => SpecMapper.ToPlatform("Linux"));

        Assert.StartsWith("platform must be one of linux, windows, got \"Linux\"", error.Message, StringComparison.Ordinal);
    }
}

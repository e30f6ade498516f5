using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Tests.Errors;

public sealed class AwsRetryTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public async Task Throttled_calls_are_retried_with_waits_until_they_succeed()
    {
        var retry = new AwsRetry(time, maxAttempts: 5, random: new Random(1));
        var calls = 0;

        var task = retry.RunAsync(_ => ++calls < 3 ? throw Throttle() : Task.FromResult("ok"), CancellationToken.None);
        for (var i = 0; i < 100 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        Assert.Equal("ok", await task);
        Assert.Equal(3, calls);
        Assert.Equal(2, retry.Retries);
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        var retry = new AwsRetry(time, maxAttempts: 3, baseDelay: TimeSpan.Zero, random: new Random(1));
        var calls = 0;

        await Assert.ThrowsAsync<AmazonServiceException>(() => retry.RunAsync<int>(_ =>
        {
            calls++;
            throw Throttle();
        }, CancellationToken.None));

        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Errors_that_do_not_get_better_are_not_retried()
    {
        var retry = new AwsRetry(time);
        var calls = 0;

        await Assert.ThrowsAsync<AmazonServiceException>(() => retry.RunAsync<int>(_ =>
        {
            calls++;
            throw new AmazonServiceException("denied") { ErrorCode = "AccessDenied" };
        }, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void Backoff_is_jittered_below_an_exponential_ceiling_that_is_capped()
    {
        var retry = new AwsRetry(time, baseDelay: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromSeconds(1), random: new Random(7));

        var delays = Enumerable.Range(1, 200).Select(i => (Attempt: 1 + (i % 8), Delay: retry.Backoff(1 + (i % 8)))).ToList();

        Assert.All(delays, d => Assert.InRange(d.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(Math.Min(1000, 100 * Math.Pow(2, d.Attempt - 1)))));
        Assert.True(delays.Select(d => d.Delay).Distinct().Count() > 150, "backoff is not jittered");
    }

    private static AmazonServiceException Throttle() => new("slow down") { ErrorCode = "RequestLimitExceeded" };
}

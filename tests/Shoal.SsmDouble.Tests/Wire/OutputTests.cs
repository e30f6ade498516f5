using Amazon.S3.Model;
using Shoal.Aws.Commands;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Ports;
using Shoal.Core.Workers;
using Shoal.Aws.Tests.Support;

namespace Shoal.SsmDouble.Tests.Wire;

/// <summary>SSM's 24,000-character inline stdout and the full copy in S3, read back by Shoal's S3OutputStore.</summary>
public sealed class OutputTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Bucket = "shoal-output";

    private static readonly string[] LongJob = [.. Enumerable.Range(0, 3000).Select(i => $"echo progress line {i:D5}"), "echo RESULT-OK"];

    private static readonly string LongStdout = string.Concat(Enumerable.Range(0, 3000).Select(i => $"progress line {i:D5}\n")) + "RESULT-OK\n";

    [Fact]
    public async Task Inline_stdout_is_cut_at_24000_characters_and_the_whole_of_it_is_read_from_S3()
    {
        await using var rig = await WireRig.StartAsync(moto);
        await rig.Clients.S3.PutBucketAsync(Bucket);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner(new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputKeyPrefix = "runs", OutputUploadGrace = TimeSpan.Zero });
        var handle = await runner.StartAsync(WireRig.Request(worker, LongJob), CancellationToken.None);
        rig.Advance(1);
        Assert.Equal(CommandState.Completed, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);

        var inline = (await rig.Api.GetCommandInvocationAsync(handle.CommandId, worker, CancellationToken.None)).StandardOutputContent;
        Assert.True(LongStdout.IndexOf("RESULT-OK", StringComparison.Ordinal) > 24_000);
        Assert.Equal(LongStdout[..24_000], inline);

        using (var output = await runner.OpenOutputAsync(handle, CancellationToken.None))
        {
            Assert.Equal(LongStdout, await output.ReadToEndAsync());
        }

        using (var output = await runner.OpenOutputAsync(handle, CancellationToken.None))
        {
            Assert.True(await OutputSearch.ContainsAsync(output, "RESULT-OK", CancellationToken.None));
        }

        var key = SsmOutputKeys.StdoutKey("runs", handle.CommandId, worker, "AWS-RunShellScript");
        using var stored = await rig.Clients.S3.GetObjectAsync(Bucket, key);
        using var reader = new StreamReader(stored.ResponseStream);
        Assert.Equal(LongStdout, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Without_an_output_bucket_a_string_past_the_inline_copy_cannot_be_confirmed_and_reading_past_it_fails()
    {
        await using var rig = await WireRig.StartAsync(moto);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner();
        var handle = await runner.StartAsync(WireRig.Request(worker, LongJob), CancellationToken.None);
        rig.Advance(1);
        Assert.Equal(CommandState.Completed, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);

        using (var early = await runner.OpenOutputAsync(handle, CancellationToken.None))
        {
            Assert.True(await OutputSearch.ContainsAsync(early, "progress line 00010", CancellationToken.None));
        }

        using var late = await runner.OpenOutputAsync(handle, CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => OutputSearch.ContainsAsync(late, "RESULT-OK", CancellationToken.None));
    }

    [Fact]
    public async Task A_finished_command_s_output_is_uploaded_even_while_nobody_asks_about_it()
    {
        await using var rig = await WireRig.StartAsync(moto);
        await rig.Clients.S3.PutBucketAsync(Bucket);
        var worker = await rig.LaunchAsync();
        var handle = await rig.Runner(new SsmCommandRunnerOptions { OutputBucket = Bucket }).StartAsync(WireRig.Request(worker, ["sleep 5", "echo unattended"]), CancellationToken.None);
        var store = new S3OutputStore(rig.Clients.S3);
        var key = SsmOutputKeys.StdoutKey(null, handle.CommandId, worker, "AWS-RunShellScript")!;
        Assert.Null(await store.OpenReadAsync(Bucket, key, CancellationToken.None));

        // Past the end: only the double's periodic check runs, no GetCommandInvocation.
        rig.Advance(7);

        await using var stdout = await Eventually.UntilAsync(() => store.OpenReadAsync(Bucket, key, CancellationToken.None), s => s is not null, "the upload");
        using var reader = new StreamReader(stdout!);
        Assert.Equal("unattended\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Empty_stdout_is_not_uploaded_as_the_agent_does_not_upload_it()
    {
        await using var rig = await WireRig.StartAsync(moto);
        await rig.Clients.S3.PutBucketAsync(Bucket);
        var worker = await rig.LaunchAsync();
        var runner = rig.Runner(new SsmCommandRunnerOptions { OutputBucket = Bucket, OutputUploadGrace = TimeSpan.Zero });
        var handle = await runner.StartAsync(WireRig.Request(worker, ["sleep 1"]), CancellationToken.None);
        rig.Advance(2);

        Assert.Equal(CommandState.Completed, (await runner.WaitAsync(handle, TimeSpan.Zero, CancellationToken.None)).State);

        Assert.Null((await rig.Clients.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })).S3Objects);
        using var output = await runner.OpenOutputAsync(handle, CancellationToken.None);
        Assert.Equal("", await output.ReadToEndAsync());
    }
}

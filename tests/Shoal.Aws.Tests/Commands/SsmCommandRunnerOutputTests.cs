using Shoal.Aws.Commands;
using Shoal.Core.Ports;
using Shoal.Core.Workers;

namespace Shoal.Aws.Tests.Commands;

/// <summary>
/// Reading the full stdout for the success-string check. The S3 side is also proven against moto
/// (<see cref="SsmCommandRunnerMotoTests"/>); upload lag, missing uploads and multi-step layouts are
/// scripted here because moto's SSM uploads nothing.
/// </summary>
public sealed class SsmCommandRunnerOutputTests
{
    private static readonly string LongOutput = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i:D5}\n")) + "upload: results.csv\n";

    [Fact]
    public async Task The_full_stdout_comes_from_S3_so_a_success_string_past_24000_characters_is_found()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: LongOutput[..24_000]);
        rig.Outputs.Put(RunnerRig.Bucket, $"runs/{handle.CommandId}/{RunnerRig.Worker}/awsrunShellScript/0.awsrunShellScript/stdout", LongOutput);

        Assert.True(LongOutput.Length > 24_000 && LongOutput.IndexOf("upload:", StringComparison.Ordinal) > 24_000);
        Assert.True(await Contains(rig, handle, "upload: results.csv"));
        Assert.False(await Contains(rig, handle, "never printed"));
    }

    [Fact]
    public async Task An_upload_that_lags_the_status_is_waited_for()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: LongOutput[..24_000]);
        rig.Outputs.Put(RunnerRig.Bucket, $"runs/{handle.CommandId}/{RunnerRig.Worker}/awsrunShellScript/0.awsrunShellScript/stdout", LongOutput, hiddenReads: 3);

        Assert.True(await Contains(rig, handle, "upload: results.csv"));
        Assert.Equal(4, rig.Outputs.Reads.Count);
    }

    [Fact]
    public async Task Empty_stdout_has_no_object_and_reads_as_empty_without_waiting_for_one()
    {
        // The agent uploads stdout only when there is some.
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: "");
        var started = rig.Time.GetUtcNow();

        Assert.False(await Contains(rig, handle, "anything"));
        Assert.Equal(started, rig.Time.GetUtcNow());
        Assert.Single(rig.Outputs.Reads);
    }

    [Fact]
    public async Task A_missing_upload_is_waited_for_during_the_grace_period_only()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: LongOutput[..24_000]);
        var started = rig.Time.GetUtcNow();

        await Assert.ThrowsAsync<IOException>(() => rig.Run(r => r.OpenOutputAsync(handle, CancellationToken.None)));

        Assert.InRange(rig.Time.GetUtcNow() - started, rig.Options.OutputUploadGrace, rig.Options.OutputUploadGrace + TimeSpan.FromSeconds(1));
        Assert.InRange(rig.Outputs.Reads.Count, 5, 7); // after 0, 1, 3, 7, 15 and 30 s
    }

    [Fact]
    public async Task A_missing_upload_with_a_complete_inline_copy_uses_the_copy_and_warns()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: "done: ok\n");

        Assert.True(await Contains(rig, handle, "done: ok"));
        Assert.Contains(rig.Log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("s3:PutObject", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_upload_of_a_long_output_is_an_error_not_a_verdict()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: LongOutput[..24_000]);

        var error = await Assert.ThrowsAsync<IOException>(() => rig.Run(r => r.OpenOutputAsync(handle, CancellationToken.None)));

        Assert.Contains($"s3://{RunnerRig.Bucket}/runs", error.Message, StringComparison.Ordinal);
        Assert.Contains("s3:PutObject", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_bucket_a_complete_inline_copy_is_the_output()
    {
        var rig = new RunnerRig(new SsmCommandRunnerOptions());
        var handle = await Completed(rig, inline: "Hello World\n");

        Assert.True(await Contains(rig, handle, "Hello"));
        Assert.False(await Contains(rig, handle, "Goodbye"));
        Assert.Empty(rig.Outputs.Reads);
    }

    [Fact]
    public async Task Without_a_bucket_a_cut_inline_copy_confirms_strings_inside_it_and_refuses_to_deny_the_rest()
    {
        var rig = new RunnerRig(new SsmCommandRunnerOptions());
        var handle = await Completed(rig, inline: LongOutput[..24_000]);

        Assert.True(await Contains(rig, handle, "line 00007"));
        var error = await Assert.ThrowsAsync<IOException>(() => Contains(rig, handle, "upload: results.csv"));
        Assert.Contains("no output bucket is configured", error.Message, StringComparison.Ordinal);
        Assert.Contains(rig.Log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("cannot be confirmed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PowerShell_output_is_read_from_its_plugin_folder()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: "", document: "AWS-RunPowerShellScript");
        rig.Outputs.Put(RunnerRig.Bucket, $"runs/{handle.CommandId}/{RunnerRig.Worker}/awsrunPowerShellScript/0.awsrunPowerShellScript/stdout", "1 file(s) copied.\r\n");

        Assert.True(await Contains(rig, handle, "copied"));
    }

    [Fact]
    public async Task A_custom_documents_steps_are_found_by_listing_and_read_in_order()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: "", document: "Team-RunBatch");
        var folder = $"runs/{handle.CommandId}/{RunnerRig.Worker}/awsrunShellScript";
        rig.Outputs.Put(RunnerRig.Bucket, $"{folder}/1-prepare/stdout", "prepared\n");
        rig.Outputs.Put(RunnerRig.Bucket, $"{folder}/1-prepare/stderr", "SECRET-STDERR\n");
        rig.Outputs.Put(RunnerRig.Bucket, $"{folder}/2-run/stdout", "ran\n");

        using var reader = await rig.Run(r => r.OpenOutputAsync(handle, CancellationToken.None));

        Assert.Equal("prepared\nran\n", await reader.ReadToEndAsync());
        Assert.Equal([$"{RunnerRig.Bucket}/runs/{handle.CommandId}/{RunnerRig.Worker}/"], rig.Outputs.Lists);
    }

    [Fact]
    public async Task The_jobs_own_output_location_is_where_its_output_is_read()
    {
        var rig = new RunnerRig();
        var handle = await Completed(rig, inline: LongOutput[..24_000], outputPrefix: "s3://team-bucket/out");
        rig.Outputs.Put("team-bucket", $"out/{handle.CommandId}/{RunnerRig.Worker}/awsrunShellScript/0.awsrunShellScript/stdout", LongOutput);

        Assert.True(await Contains(rig, handle, "upload: results.csv"));
    }

    private static async Task<CommandHandle> Completed(RunnerRig rig, string inline, string document = SsmOutputKeys.ShellDocument, string? outputPrefix = null)
    {
        rig.Ssm.Next = new FakeInvocationScript { Statuses = [SsmInvocationStatus.Success], Stdout = inline };
        var handle = await rig.StartCommand(RunnerRig.Request() with { Document = document, OutputS3Prefix = outputPrefix });
        Assert.Equal(CommandState.Completed, (await rig.Poll(handle)).State);
        return handle;
    }

    private static Task<bool> Contains(RunnerRig rig, CommandHandle handle, string expected) => rig.Run(async r =>
    {
        using var output = await r.OpenOutputAsync(handle, CancellationToken.None);
        return await OutputSearch.ContainsAsync(output, expected, CancellationToken.None);
    });
}

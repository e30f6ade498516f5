using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Local.Ingest;
using Shoal.Local.Ledger;
using Shoal.Local.Queue;
using Shoal.Local.Tests.Commands;

namespace Shoal.Local.Tests.Ingest;

// The real SQLite queue and ledger on fake time (ingest itself waits on nothing); composed jobs run
// through the real bash runner on a local worker, on real time.
public sealed class FolderIngestTests : IAsyncLifetime
{
    private const string Exe = "#!/bin/bash\n";

    private readonly RunnerSandbox sandbox = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken ct = CancellationToken.None;
    private readonly string ingestDirectory;
    private SqliteJobQueue queue;
    private SqliteJobLedger ledger;

    public FolderIngestTests()
    {
        ingestDirectory = Path.Combine(sandbox.StateDirectory, "ingest");
        (queue, ledger) = OpenStores();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await queue.DisposeAsync();
        await ledger.DisposeAsync();
        sandbox.Dispose();
    }

    [Fact]
    public async Task Executable_becomes_a_job_only_on_the_second_poll_that_sees_it_unchanged()
    {
        var ingest = NewIngest();
        Write("render-001/input.txt", "data\n");
        Write("render-001/run.sh", Exe + "echo half");

        Assert.True(await ingest.PollAsync(ct) > 0, "a file waiting for its second look is pending work");
        Assert.Empty(await MessagesAsync());

        File.AppendAllText(Path.Combine(ingestDirectory, "render-001", "run.sh"), "\necho written in full\n");
        await ingest.PollAsync(ct);
        Assert.Empty(await MessagesAsync());
        Assert.Null(await ledger.GetAsync("render-001/run.sh", ct));

        Assert.Equal(1, await ingest.PollAsync(ct));
        var job = Parse(Assert.Single(await MessagesAsync()));
        Assert.Equal("render-001/run.sh", job.JobId);
        var record = await ledger.GetAsync("render-001/run.sh", ct);
        Assert.Equal(JobStatus.Queued, record!.Status);
        Assert.Equal("jobs", record.Queue);
    }

    [Fact]
    public async Task Job_id_is_the_relative_path_with_forward_slashes_and_other_files_trigger_nothing()
    {
        var ingest = NewIngest();
        Write("batch/a/notes.txt", "not a trigger\n");
        Write("batch/a/run.sh", Exe + "true");
        Write("batch/a/run.sh.txt", "not a trigger either\n");

        await PollTwiceAsync(ingest);

        var job = Parse(Assert.Single(await MessagesAsync()));
        Assert.Equal("batch/a/run.sh", job.JobId);
        Assert.Equal(Path.Combine(ingestDirectory, "batch", "a"), job.Env["SHOAL_INGEST_DIR"]);
        Assert.Equal("run.sh", job.Env["SHOAL_INGEST_EXE"]);
    }

    [Fact]
    public async Task Executable_directly_in_the_ingest_root_is_ignored()
    {
        var ingest = NewIngest();
        Write("run.sh", Exe + "echo no folder");

        await PollTwiceAsync(ingest);
        await PollTwiceAsync(ingest);

        Assert.Empty(await MessagesAsync());
        Assert.Empty(await ledger.ListAsync(null, null, ct));
    }

    [Fact]
    public async Task Same_path_is_submitted_once_even_across_a_restart()
    {
        var ingest = NewIngest();
        Write("job-1/run.sh", Exe + "true");
        await PollTwiceAsync(ingest);
        Assert.Single(await MessagesAsync());

        await PollTwiceAsync(ingest);
        await PollTwiceAsync(ingest);
        Assert.Single(await MessagesAsync());

        // A new process: new stores on the same files, a new ingest that has seen nothing yet.
        await queue.DisposeAsync();
        await ledger.DisposeAsync();
        (queue, ledger) = OpenStores();
        var restarted = NewIngest();
        await PollTwiceAsync(restarted);
        await PollTwiceAsync(restarted);

        Assert.Single(await MessagesAsync());
        Assert.Single(await ledger.ListAsync(null, null, ct));
    }

    [Fact]
    public async Task Path_that_cannot_be_a_job_id_is_skipped_without_breaking_the_poll()
    {
        var ingest = NewIngest();
        Write("bad\nname/run.sh", Exe + "true");
        Write("good/run.sh", Exe + "true");

        await PollTwiceAsync(ingest);
        await PollTwiceAsync(ingest);

        var job = Parse(Assert.Single(await MessagesAsync()));
        Assert.Equal("good/run.sh", job.JobId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Composed_job_copies_the_folder_in_runs_the_executable_copies_results_back_and_keeps_its_exit_code(int exitCode)
    {
        var ingest = NewIngest();
        Write("render-001/words.txt", "hello world\n");
        Write("render-001/data.txt", "original\n");
        Write("render-001/run.sh", Exe + string.Join('\n',
            "echo \"exe ran\"",
            "tr a-z A-Z < words.txt > output.txt",
            "echo changed >> data.txt",
            "mkdir -p sub && echo nested > sub/new.txt",
            "echo 'echo boom' > next.sh",
            "echo 'echo boom' > sub/next.sh",
            $"exit {exitCode}"));
        var folder = Path.Combine(ingestDirectory, "render-001");
        var wordsBefore = Inode(Path.Combine(folder, "words.txt"));
        var exeBefore = Inode(Path.Combine(folder, "run.sh"));
        await PollTwiceAsync(ingest);
        var body = Assert.Single(await MessagesAsync());

        var status = await RunAsync(body);

        Assert.Equal(CommandState.Completed, status.State);
        Assert.Equal(exitCode, status.ExitCode);
        Assert.Contains("exe ran", sandbox.Stdout("render-001/run.sh"), StringComparison.Ordinal);
        Assert.Equal("HELLO WORLD\n", File.ReadAllText(Path.Combine(folder, "output.txt")));
        Assert.Equal("original\nchanged\n", File.ReadAllText(Path.Combine(folder, "data.txt")));
        Assert.Equal("nested\n", File.ReadAllText(Path.Combine(folder, "sub", "new.txt")));
        Assert.False(File.Exists(Path.Combine(folder, "next.sh")));
        Assert.False(File.Exists(Path.Combine(folder, "sub", "next.sh")));
        Assert.Contains("not copying back next.sh", sandbox.Stderr("render-001/run.sh"), StringComparison.Ordinal);
        Assert.Equal("hello world\n", File.ReadAllText(Path.Combine(folder, "words.txt")));
        Assert.Equal(wordsBefore, Inode(Path.Combine(folder, "words.txt")));
        Assert.Equal(exeBefore, Inode(Path.Combine(folder, "run.sh")));

        await PollTwiceAsync(ingest);
        Assert.Single(await MessagesAsync());
    }

    [Fact]
    public async Task Folder_and_file_names_with_shell_syntax_and_unicode_work_and_execute_nothing()
    {
        const string folderName = "odd 'q' \"dq\" $HOME ; `touch pwned` $(touch pwned) && touch pwned \u00fcn\u00ef \u2713";
        const string inputName = "in put; $x 'y' `touch pwned` \u2713.txt";
        const string exeName = "go $(touch pwned) && `touch pwned`; \u2713.sh";
        var ingest = NewIngest();
        Write(Path.Combine(folderName, inputName), "payload \u2713\n");
        Write(Path.Combine(folderName, exeName), Exe + string.Join('\n',
            "for f in in*.txt; do cp -- \"$f\" \"copy of $f\"; done",
            "printf '%s' \"$SHOAL_JOB_ID\" > id.txt",
            "echo finished"));
        await PollTwiceAsync(ingest);
        var body = Assert.Single(await MessagesAsync());
        var jobId = folderName + "/" + exeName;
        Assert.Equal(jobId, Parse(body).JobId);

        var status = await RunAsync(body);

        Assert.Equal(CommandState.Completed, status.State);
        Assert.Equal(0, status.ExitCode);
        var folder = Path.Combine(ingestDirectory, folderName);
        Assert.Equal("payload \u2713\n", File.ReadAllText(Path.Combine(folder, "copy of " + inputName)));
        Assert.Equal(Encoding.UTF8.GetBytes(jobId), File.ReadAllBytes(Path.Combine(folder, "id.txt")));
        Assert.Equal("finished\n", sandbox.Stdout(jobId));
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Root, "pwned", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "pwned")));
    }

    private (SqliteJobQueue Queue, SqliteJobLedger Ledger) OpenStores() =>
        (new SqliteJobQueue(Path.Combine(sandbox.StateDirectory, "queue.db"), "jobs", time),
         new SqliteJobLedger(Path.Combine(sandbox.StateDirectory, "ledger.db"), time));

    private FolderIngest NewIngest() => new(new FolderIngestOptions { Directory = ingestDirectory, Retry = 2 }, queue, ledger, time);

    private async Task PollTwiceAsync(FolderIngest ingest)
    {
        await ingest.PollAsync(ct);
        await ingest.PollAsync(ct);
    }

    private Task<IReadOnlyList<string>> MessagesAsync() => queue.PeekAsync(queue.Name, 100, ct);

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(ingestDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static JobSpec Parse(string body)
    {
        var parsed = JobMessageParser.Parse(body, new JobDefaults());
        Assert.True(parsed.IsValid, parsed.ErrorText);
        Assert.Equal(2, parsed.Job!.Retry);
        return parsed.Job;
    }

    private async Task<CommandStatus> RunAsync(string body)
    {
        var job = Parse(body);
        var worker = await sandbox.LaunchWorkerAsync();
        var request = new CommandRequest
        {
            WorkerId = worker,
            JobId = job.JobId,
            Attempt = 1,
            Document = job.Document,
            Commands = job.Commands,
            Timeout = job.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            WorkingDirectory = job.WorkingDirectory,
            Env = job.Env,
        };
        var (_, status) = await sandbox.RunAsync(request);
        return status;
    }

    // Inode and change time: a file rewritten in place (as cp -p would) keeps its inode and mtime but
    // not its ctime.
    private static string Inode(string path)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "%i %z", "--", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var stat = Process.Start(start)!;
        var text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return text;
    }
}

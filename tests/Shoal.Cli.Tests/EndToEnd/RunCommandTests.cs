using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Cli.Tests.EndToEnd;

/// <summary>`shoal run` and friends, as a user runs them: a real process, real bash workers, real files.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private string State => Path.Combine(temp.Path, "state");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Runs_a_batch_with_retries_failures_and_a_poison_message_then_reports_each_job()
    {
        var jobs = temp.File("jobs.jsonl", string.Join('\n',
            Job("ok", """["echo Hello World"]""", success: "Hello"),
            Job("exit-3", """["exit 3"]""", retry: 2),
            Job("no-hello", """["echo Goodbye"]""", success: "Hello", retry: 0),
            "{\"job_id\": \"poison\", \"commands\": [oops]}",
            Job("after-poison", """["echo still runs"]""", success: "still runs")));

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, "run", "--state-dir", State, "--jobs", jobs, "--workers", "2", "--json");

        Assert.Equal(5, summary.GetProperty("submitted").GetInt32());
        Assert.Equal(2, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(3, summary.GetProperty("failed").GetInt32());
        Assert.Equal(1, summary.GetProperty("invalid").GetInt32());
        Assert.Equal(0, summary.GetProperty("interruptions").GetInt32());
        Assert.Equal(1 + 3 + 1 + 1, summary.GetProperty("attempts").GetInt32()); // exit-3 with retry 2 runs 3 times
        Assert.Equal(summary.GetProperty("workersLaunched").GetInt32(), summary.GetProperty("workersTerminated").GetInt32());

        var all = await ShoalProcess.RunJsonAsync(temp.Path, "jobs", "--state-dir", State, "--json");
        var byId = all.EnumerateArray().ToDictionary(j => j.GetProperty("jobId").GetString()!);
        Assert.Equal("SUCCEEDED", byId["ok"].GetProperty("status").GetString());
        Assert.Equal("FAILED", byId["exit-3"].GetProperty("status").GetString());
        Assert.Equal(3, byId["exit-3"].GetProperty("attempts").GetInt32());
        Assert.Equal(3, byId["exit-3"].GetProperty("exitCode").GetInt32());
        Assert.Equal("NonZeroExit", byId["exit-3"].GetProperty("reason").GetString());
        Assert.Equal("SuccessStringNotFound", byId["no-hello"].GetProperty("reason").GetString());
        Assert.Equal("InvalidJob", byId["poison"].GetProperty("reason").GetString());
        Assert.Equal("SUCCEEDED", byId["after-poison"].GetProperty("status").GetString());
        Assert.Contains("Hello World", byId["ok"].GetProperty("output").GetString());

        var failed = await ShoalProcess.RunJsonAsync(temp.Path, "jobs", "--state-dir", State, "--status", "failed", "--json");
        Assert.Equal(3, failed.GetArrayLength());

        var poison = await ShoalProcess.RunJsonAsync(temp.Path, "job", "poison", "--state-dir", State, "--json");
        Assert.Equal("{\"job_id\": \"poison\", \"commands\": [oops]}", poison.GetProperty("body").GetString());
        Assert.Contains("not valid JSON", poison.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Job_ids_with_shell_metacharacters_and_unicode_run_safely()
    {
        string[] ids = ["a b", "it's \"quoted\"", "$(touch pwned)", "x; touch pwned2", "`touch pwned3`", "ünïcødé ✓ 作业"];
        var lines = ids.Select(id => new JsonObject
        {
            ["job_id"] = id,
            ["retry"] = 0,
            ["job_success_string"] = "id=" + id,
            ["commands"] = new JsonArray("printf 'id=%s\\n' \"$SHOAL_JOB_ID\""),
        }.ToJsonString());
        var jobs = temp.File("weird.jsonl", string.Join('\n', lines));

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, "run", "--state-dir", State, "--jobs", jobs, "--json");

        Assert.Equal(ids.Length, summary.GetProperty("succeeded").GetInt32());
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "pwned*", SearchOption.AllDirectories));
        foreach (var id in ids)
        {
            var job = await ShoalProcess.RunJsonAsync(temp.Path, "job", id, "--state-dir", State, "--json");
            Assert.Equal($"id={id}\n", job.GetProperty("output").GetString());
        }
    }

    [Fact]
    public async Task Ingest_folder_becomes_a_job_and_its_results_are_copied_back()
    {
        var ingest = Path.Combine(temp.Path, "drop");
        var manifests = Path.Combine(temp.Path, "manifests");
        temp.File("manifests/queue.yaml", $$"""
            apiVersion: shoal.dev/v1alpha1
            kind: JobQueue
            metadata:
              name: render
            spec:
              jobDefaults:
                retry: 1
              ingest:
                executableSuffix: .sh
                localPath: {{ingest}}
            """);
        temp.File("manifests/pool.yaml", """
            apiVersion: shoal.dev/v1alpha1
            kind: WorkerPool
            metadata:
              name: render-pool
            spec:
              jobQueueRef:
                name: render
              maxWorkers: 2
              idleTimeoutSeconds: 1
            """);
        var folder = Path.Combine(ingest, "scene 'one' $x; ü");
        temp.File(Path.Combine(folder, "input data.txt"), "make me loud\n");
        temp.File(Path.Combine(folder, "render it.sh"), "#!/bin/bash\ntr a-z A-Z < 'input data.txt' > 'out put.txt'\necho rendered\n");

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, "run", "--state-dir", State, "--manifests", manifests, "--jobs", temp.File("none.jsonl", "\n"), "--json");

        Assert.Equal(1, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal("MAKE ME LOUD\n", File.ReadAllText(Path.Combine(folder, "out put.txt")));
        Assert.Equal("make me loud\n", File.ReadAllText(Path.Combine(folder, "input data.txt")));
        var job = await ShoalProcess.RunJsonAsync(temp.Path, "job", "scene 'one' $x; ü/render it.sh", "--state-dir", State, "--json");
        Assert.Equal("SUCCEEDED", job.GetProperty("status").GetString());
        Assert.Equal("render", job.GetProperty("queue").GetString());
    }

    [Fact]
    public async Task Submit_adds_jobs_that_the_next_run_picks_up_and_known_ids_are_not_sent_twice()
    {
        var first = temp.File("first.json", Job("one", """["echo one"]"""));
        var (exit, _, _) = await ShoalProcess.RunAsync(temp.Path, "submit", "--state-dir", State, first);
        Assert.Equal(0, exit);
        var queued = await ShoalProcess.RunJsonAsync(temp.Path, "jobs", "--state-dir", State, "--json");
        Assert.Equal("QUEUED", queued[0].GetProperty("status").GetString());

        var again = await ShoalProcess.RunJsonAsync(temp.Path, "submit", "--state-dir", State, first, "--json");
        Assert.Equal(0, again.GetProperty("submitted").GetInt32());
        Assert.Equal(1, again.GetProperty("skipped").GetArrayLength());

        var summary = await ShoalProcess.RunJsonAsync(temp.Path, "run", "--state-dir", State, "--json");
        Assert.Equal(1, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, summary.GetProperty("attempts").GetInt32());
    }

    [Theory]
    [InlineData("--workers", "0", "--workers must be at least 1")]
    [InlineData("--interrupt-probability", "1.5", "--interrupt-probability must be a number from 0 to 1")]
    [InlineData("--jobs", "does-not-exist.jsonl", "no such file or directory")]
    [InlineData("--manifests", "no-such-dir", "no such directory")]
    public async Task Usage_errors_exit_2_with_a_message_that_says_what_to_fix(string option, string value, string expected)
    {
        var (exit, stdout, stderr) = await ShoalProcess.RunAsync(temp.Path, "run", "--state-dir", State, option, value);

        Assert.Equal(2, exit);
        Assert.Contains(expected, stdout + stderr);
    }

    [Fact]
    public async Task Job_that_does_not_exist_is_a_clear_error()
    {
        await ShoalProcess.RunJsonAsync(temp.Path, "submit", "--state-dir", State, temp.File("j.json", Job("one", """["true"]""")), "--json");

        var (exit, _, stderr) = await ShoalProcess.RunAsync(temp.Path, "job", "nope", "--state-dir", State);

        Assert.Equal(2, exit);
        Assert.Contains("no job \"nope\"", stderr);
    }

    [Fact]
    public async Task With_nothing_to_do_the_bundled_example_runs_and_shows_every_feature()
    {
        var summary = await ShoalProcess.RunJsonAsync(temp.Path, "run", "--state-dir", State, "--json");

        var all = await ShoalProcess.RunJsonAsync(temp.Path, "jobs", "--state-dir", State, "--json");
        var byId = all.EnumerateArray().ToDictionary(j => j.GetProperty("jobId").GetString()!);
        Assert.Equal(summary.GetProperty("submitted").GetInt32(), byId.Count);
        Assert.True(byId.Values.All(j => j.GetProperty("status").GetString() is "SUCCEEDED" or "FAILED"));
        Assert.Equal("SUCCEEDED", byId["hello-world"].GetProperty("status").GetString());
        Assert.Equal("SUCCEEDED", byId["long-output"].GetProperty("status").GetString());
        Assert.Equal("SUCCEEDED", byId["flaky-then-ok"].GetProperty("status").GetString());
        Assert.Equal("TimedOut", byId["too-slow"].GetProperty("reason").GetString());
        Assert.Equal(2, summary.GetProperty("invalid").GetInt32());
        Assert.Equal("SUCCEEDED", byId["render-001/run.sh"].GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(State, "ingest", "render-001", "output.txt")));
    }

    private static string Job(string id, string commands, string? success = null, int retry = 1) =>
        $$"""{"job_id": {{JsonSerializer.Serialize(id)}}, "retry": "{{retry}}", "job_success_string": {{JsonSerializer.Serialize(success ?? "")}}, "commands": {{commands}}}""";
}

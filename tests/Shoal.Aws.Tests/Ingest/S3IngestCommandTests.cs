using System.Diagnostics;
using System.Text;
using Shoal.Aws.Ingest;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Tests.Ingest;

/// <summary>
/// Runs the composed job's commands with a real shell, the way a worker does: one script, with the
/// job's env exported. `aws` is a stub on PATH that records its arguments and plays S3 (it "downloads"
/// an executable), so no network is involved. Proves that hostile keys reach aws as single, exact
/// arguments and never run as code, and that the executable's exit code is the job's.
/// Both bash (the local runner) and dash (sh, as SSM's AWS-RunShellScript runs it) are used.
/// </summary>
public sealed class S3IngestCommandTests : IDisposable
{
    private const string Bucket = "drop";

    private readonly string root = Directory.CreateTempSubdirectory("shoal-ingest-test-").FullName;

    private string Pwned => Path.Combine(root, "PWNED");

    public static TheoryData<string, string> HostileKeys()
    {
        var data = new TheoryData<string, string>();
        foreach (var shell in new[] { "bash", "sh" })
        {
            data.Add(shell, "jobs/a b/it's \"x\" $(touch pwned); ü/run.sh");
            data.Add(shell, "jobs/x/$(touch pwned) 'q' ; `touch pwned` & echo.sh");
            data.Add(shell, "jobs/*/[a]?/~root/${HOME}/run.sh");
            data.Add(shell, "jobs/back\\slash\\c\\n/-n.sh");
            data.Add(shell, "jobs/x/|| touch pwned #.sh");

            // Injected code here would leave its mark outside the job folder, which the script removes.
            data.Add(shell, "jobs/$(touch \"$SHOAL_TEST_PWNED\")/run.sh");
            data.Add(shell, "jobs/x/`touch \"$SHOAL_TEST_PWNED\"`.sh");
            data.Add(shell, "jobs/x\"; touch \"$SHOAL_TEST_PWNED\"; echo \"/run.sh");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileKeys))]
    public async Task Hostile_keys_reach_aws_as_exact_single_arguments_and_never_run_as_code(string shell, string key)
    {
        var folder = key[..key.LastIndexOf('/')];
        var exe = key[(key.LastIndexOf('/') + 1)..];

        var run = await RunAsync(shell, key, downloadExit: 0, uploadExit: 0, executableExit: 3);

        Assert.Equal(3, run.ExitCode);
        Assert.Equal(
            [["s3", "sync", $"s3://{Bucket}/{folder}/", "."], ["s3", "sync", ".", $"s3://{Bucket}/{folder}/", "--exclude", "*.sh"]],
            run.AwsCalls);
        Assert.Equal(exe, File.ReadAllText(run.RanMarker).TrimEnd('\n'));
        // The upload saw the result and the downloaded executable (the pattern keeps the latter out),
        // and nothing else: no file an injected `touch pwned` would have made in the job folder.
        Assert.Equal(new[] { "./" + exe, "./result.txt" }.Order(StringComparer.Ordinal), run.Uploaded.Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, "pwned*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Pwned), "injected code ran");
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.WorkDirectory));
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("sh")]
    public async Task A_failed_download_fails_the_job_without_running_anything(string shell)
    {
        var run = await RunAsync(shell, "jobs/a/run.sh", downloadExit: 1, uploadExit: 0, executableExit: 0);

        Assert.Equal(70, run.ExitCode);
        Assert.Single(run.AwsCalls);
        Assert.False(File.Exists(run.RanMarker));
        Assert.Contains("could not download s3://drop/jobs/a/", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("sh")]
    public async Task A_failed_upload_fails_a_job_that_succeeded_but_keeps_a_failure_code(string shell)
    {
        Assert.Equal(71, (await RunAsync(shell, "jobs/a/run.sh", downloadExit: 0, uploadExit: 1, executableExit: 0)).ExitCode);
        Assert.Equal(9, (await RunAsync(shell, "jobs/b/run.sh", downloadExit: 0, uploadExit: 1, executableExit: 9)).ExitCode);
    }

    [Fact]
    public async Task A_suffix_with_glob_characters_is_excluded_literally()
    {
        var run = await RunAsync("sh", "jobs/a/run.[x]*", downloadExit: 0, uploadExit: 0, executableExit: 0, suffix: ".[x]*");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["s3", "sync", ".", "s3://drop/jobs/a/", "--exclude", "*.[[]x[]][*]"], run.AwsCalls[1]);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<ShellRun> RunAsync(string shell, string key, int downloadExit, int uploadExit, int executableExit, string suffix = ".sh")
    {
        var spec = JobMessageParser.Parse(S3IngestJob.Compose(Bucket, key, new S3IngestOptions { QueueUrl = "unused", ExecutableSuffix = suffix }), new JobDefaults()).Job
            ?? throw new InvalidOperationException("the composed job does not parse");
        var run = Directory.CreateDirectory(Path.Combine(root, "run-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(run, "bin")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(run, "work")).FullName;
        var log = Path.Combine(run, "aws.log");
        var ran = Path.Combine(run, "ran");
        var uploaded = Path.Combine(run, "uploaded");

        // The stub logs each call as NUL-separated arguments after a marker; a download writes the
        // executable (which records that it ran, leaves a result and exits with the given code); an
        // upload lists what it would send.
        var stub = Path.Combine(bin, "aws");
        await File.WriteAllTextAsync(stub, $$"""
            #!/bin/sh
            { printf '%s\0' '--call--'; for a in "$@"; do printf '%s\0' "$a"; done; } >> "$SHOAL_TEST_LOG"
            case "$3" in
              s3://*)
                [ {{downloadExit}} -eq 0 ] || exit {{downloadExit}}
                printf '#!/bin/sh\nprintf "%%s\\n" "$SHOAL_INGEST_EXE" > "$SHOAL_TEST_RAN"\necho out > result.txt\nexit {{executableExit}}\n' > "$4/$SHOAL_INGEST_EXE"
                ;;
              *)
                find . -type f | LC_ALL=C sort > "$SHOAL_TEST_UPLOADED"
                exit {{uploadExit}}
                ;;
            esac
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("these tests run the composed commands with bash and sh");
        }

        File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // As SSM does: the commands become one script file, run by the shell in the working directory.
        var script = Path.Combine(run, "script.sh");
        await File.WriteAllTextAsync(script, string.Join('\n', spec.Commands) + "\n");

        var start = new ProcessStartInfo(shell)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["SHOAL_TEST_LOG"] = log;
        start.Environment["SHOAL_TEST_RAN"] = ran;
        start.Environment["SHOAL_TEST_UPLOADED"] = uploaded;
        start.Environment["SHOAL_TEST_PWNED"] = Pwned;
        foreach (var (name, value) in spec.Env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        var calls = new List<string[]>();
        if (File.Exists(log))
        {
            var parts = (await File.ReadAllTextAsync(log)).Split('\0');
            foreach (var part in parts[..^1])
            {
                if (part == "--call--")
                {
                    calls.Add([]);
                }
                else
                {
                    calls[^1] = [.. calls[^1], part];
                }
            }
        }

        var listed = File.Exists(uploaded) ? (await File.ReadAllLinesAsync(uploaded)).ToList() : [];
        return new ShellRun(process.ExitCode, calls, ran, listed, work, await stdout + await stderr);
    }

    private sealed record ShellRun(int ExitCode, List<string[]> AwsCalls, string RanMarker, List<string> Uploaded, string WorkDirectory, string Stderr);
}

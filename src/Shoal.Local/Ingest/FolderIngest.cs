using System.Text.Json.Nodes;
using Shoal.Core.Jobs;
using Shoal.Core.Ports;
using Shoal.Core.Workers;

namespace Shoal.Local.Ingest;

/// <summary>
/// The seed's S3 trigger, on a local folder: when an executable with the configured suffix appears in a
/// job folder, the folder becomes a job whose id is the executable's path relative to the ingest
/// folder. The job copies the folder into the worker's directory, runs the executable, copies new and
/// changed files back, and keeps the executable's exit code (the seed's scripts lost it).
/// A file is taken once it has looked the same on two polls, so a half-copied executable never runs;
/// the ledger record written at ingest makes a second sighting of the same path a no-op.
/// </summary>
public sealed class FolderIngest : IJobIngest
{
    // Paths reach the script through environment variables only: no file name is ever parsed as code.
    private static readonly string[] Commands =
    [
        "src=\"$SHOAL_INGEST_DIR\"; exe=\"$SHOAL_INGEST_EXE\"",
        "cp -a -- \"$src/.\" ./ || { echo \"shoal: could not copy the job folder $src\" >&2; exit 70; }",
        "chmod +x -- \"./$exe\"",
        "\"./$exe\"",
        "rc=$?",
        "while IFS= read -r -d '' f; do f=\"${f#./}\"; if [ ! -e \"$src/$f\" ] || ! cmp -s -- \"$f\" \"$src/$f\"; then case \"$f\" in *\"$SHOAL_INGEST_SUFFIX\") if [ ! -e \"$src/$f\" ]; then echo \"shoal: not copying back $f: its suffix would start a new job\" >&2; continue; fi;; esac; mkdir -p -- \"$(dirname -- \"$src/$f\")\" && cp -p -- \"$f\" \"$src/$f\"; fi; done < <(find . -type f -print0)",
        "exit $rc",
    ];

    private readonly Dictionary<string, (long Size, DateTime Modified)> candidates = new(StringComparer.Ordinal);
    private readonly FolderIngestOptions options;
    private readonly IJobQueue queue;
    private readonly IJobLedger ledger;
    private readonly TimeProvider time;

    public FolderIngest(FolderIngestOptions options, IJobQueue queue, IJobLedger ledger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.queue = queue;
        this.ledger = ledger;
        this.time = time;
        System.IO.Directory.CreateDirectory(options.Directory);
    }

    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(options.Directory);
        var submitted = 0;
        foreach (var path in System.IO.Directory.EnumerateFiles(root, "*" + options.ExecutableSuffix, SearchOption.AllDirectories))
        {
            var file = new FileInfo(path);
            var jobId = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!jobId.Contains('/', StringComparison.Ordinal))
            {
                continue; // an executable must sit in its own job folder, as the seed asks of S3 keys
            }

            var seen = (file.Length, file.LastWriteTimeUtc);
            if (!candidates.TryGetValue(jobId, out var before) || before != seen)
            {
                candidates[jobId] = seen;
                continue;
            }

            candidates.Remove(jobId);
            if (await ledger.GetAsync(jobId, cancellationToken) is not null)
            {
                continue;
            }

            var body = Compose(jobId, file);
            if (JobMessageParser.Parse(body, new JobDefaults()).Job is not { } job)
            {
                continue; // a path no job id can name (a newline in it, over 1024 characters): never sent
            }

            await queue.SendAsync(body, TimeSpan.Zero, cancellationToken);
            await ledger.TryWriteAsync(null, JobTransitions.Registered(queue.Name, job, body, time.GetUtcNow()), cancellationToken);
            submitted++;
        }

        // Forget folders that vanished between polls.
        foreach (var gone in candidates.Keys.Where(k => !File.Exists(Path.Combine(root, k))).ToList())
        {
            candidates.Remove(gone);
        }

        return submitted + candidates.Count;
    }

    private string Compose(string jobId, FileInfo executable)
    {
        var job = new JsonObject
        {
            ["job_id"] = jobId,
            ["retry"] = options.Retry,
            ["job_success_string"] = options.SuccessString ?? string.Empty,
            ["ssm_document"] = "AWS-RunShellScript",
            ["commands"] = new JsonArray(Commands.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["env"] = new JsonObject
            {
                ["SHOAL_INGEST_DIR"] = executable.DirectoryName,
                ["SHOAL_INGEST_EXE"] = executable.Name,
                ["SHOAL_INGEST_SUFFIX"] = options.ExecutableSuffix,
            },
        };
        if (options.TimeoutSeconds is { } timeout)
        {
            job["timeout_seconds"] = timeout;
        }

        return job.ToJsonString();
    }
}

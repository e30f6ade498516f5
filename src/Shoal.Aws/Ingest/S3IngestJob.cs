using System.Text.Json.Nodes;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Ingest;

/// <summary>
/// Composes the seed-format job for an uploaded executable: download its S3 folder into a fresh folder
/// in the working directory, run it, upload the folder back, and exit with the executable's own code.
/// The seed spliced the key into the script text, so a key could inject commands. Here the bucket,
/// folder and file name reach the script only through the job's env and are only ever expanded
/// inside double quotes: no key is ever parsed as code. The commands are fixed text.
/// </summary>
internal static class S3IngestJob
{
    public const string BucketVariable = "SHOAL_INGEST_BUCKET";
    public const string PrefixVariable = "SHOAL_INGEST_PREFIX";
    public const string ExecutableVariable = "SHOAL_INGEST_EXE";
    public const string SuffixVariable = "SHOAL_INGEST_SUFFIX";

    // POSIX sh: AWS-RunShellScript runs the lines as one script with sh, not bash. Exit codes 70 and
    // 71 tell "could not download" and "could not upload" apart from the executable's own codes.
    // Everything with the trigger suffix stays out of the upload, the executable included: uploading
    // such a file would start a new job. The suffix becomes an exclude pattern with its glob
    // characters bracketed, so it matches literally.
    internal static readonly string[] ShellCommands =
    [
        "b=\"$SHOAL_INGEST_BUCKET\"; p=\"$SHOAL_INGEST_PREFIX\"; exe=\"$SHOAL_INGEST_EXE\"",
        "work=$(mktemp -d ./shoal-ingest.XXXXXXXX) && cd \"$work\" || { printf 'shoal: could not create a job folder in %s\\n' \"$(pwd)\" >&2; exit 70; }",
        "aws s3 sync \"s3://$b/$p/\" . || { printf 'shoal: could not download s3://%s/%s/\\n' \"$b\" \"$p\" >&2; exit 70; }",
        "chmod +x -- \"./$exe\"",
        "\"./$exe\"",
        "rc=$?",
        "skip=\"*$(printf '%s' \"$SHOAL_INGEST_SUFFIX\" | sed 's/[][*?]/[&]/g')\"",
        "aws s3 sync . \"s3://$b/$p/\" --exclude \"$skip\" || { printf 'shoal: could not upload the results to s3://%s/%s/\\n' \"$b\" \"$p\" >&2; if [ \"$rc\" -eq 0 ]; then rc=71; fi; }",
        "cd .. && rm -rf -- \"$work\"",
        "exit $rc",
    ];

    // Windows PowerShell with the AWS Tools for PowerShell that Windows AMIs carry (the seed used them
    // too). Values come from $env: and are used as values, never through Invoke-Expression.
    internal static readonly string[] PowerShellCommands =
    [
        "$b = $env:SHOAL_INGEST_BUCKET; $p = $env:SHOAL_INGEST_PREFIX; $exe = $env:SHOAL_INGEST_EXE; $suffix = $env:SHOAL_INGEST_SUFFIX",
        "$work = Join-Path (Get-Location).Path ('shoal-ingest-' + [guid]::NewGuid().ToString('N')); New-Item -ItemType Directory -Path $work | Out-Null; Set-Location -LiteralPath $work",
        "try { Read-S3Object -BucketName $b -KeyPrefix ($p + '/') -Folder $work -ErrorAction Stop | Out-Null } catch { [Console]::Error.WriteLine(\"shoal: could not download s3://$b/$p/: $_\"); exit 70 }",
        "$rc = 0; try { $global:LASTEXITCODE = 0; & (Join-Path $work $exe); $ok = $?; if ($LASTEXITCODE) { $rc = $LASTEXITCODE } elseif (-not $ok) { $rc = 1 } } catch { [Console]::Error.WriteLine($_); $rc = 1 }",
        "Get-ChildItem -LiteralPath $work -Recurse -File | Where-Object { $_.Name.EndsWith($suffix, [StringComparison]::OrdinalIgnoreCase) } | Remove-Item -Force",
        "try { Write-S3Object -BucketName $b -KeyPrefix ($p + '/') -Folder $work -Recurse -ErrorAction Stop | Out-Null } catch { [Console]::Error.WriteLine(\"shoal: could not upload the results to s3://$b/$p/: $_\"); if ($rc -eq 0) { $rc = 71 } }",
        "Set-Location -LiteralPath (Split-Path -Parent $work); Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue",
        "exit $rc",
    ];

    /// <summary>The job message for <paramref name="key"/> (decoded, with at least one '/').</summary>
    public static string Compose(string bucket, string key, S3IngestOptions options)
    {
        var slash = key.LastIndexOf('/');
        var windows = options.Platform == Platform.Windows;
        var job = new JsonObject
        {
            ["job_id"] = key,
            ["retry"] = options.Retry,
            ["job_success_string"] = options.SuccessString ?? string.Empty,
            ["ssm_document"] = windows ? "AWS-RunPowerShellScript" : "AWS-RunShellScript",
            ["commands"] = new JsonArray((windows ? PowerShellCommands : ShellCommands).Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["env"] = new JsonObject
            {
                [BucketVariable] = bucket,
                [PrefixVariable] = key[..slash],
                [ExecutableVariable] = key[(slash + 1)..],
                [SuffixVariable] = options.ExecutableSuffix,
            },
        };
        if (options.TimeoutSeconds is { } timeout)
        {
            job["timeout_seconds"] = timeout;
        }

        if (options.WorkingDirectory is { } directory)
        {
            job["working_directory"] = directory;
        }

        return job.ToJsonString();
    }
}

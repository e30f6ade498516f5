using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Core.Jobs;

/// <summary>
/// Parses job messages exactly as seed users write them: retry as string or number, trailing commas
/// (the seed's own examples have them), blank success string meaning "no check". Every problem is
/// reported with the field it is in and what was expected; the parser never throws on bad input.
/// </summary>
public static partial class JobMessageParser
{
    public const int MaxJobIdLength = 1024;

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    private static readonly HashSet<string> Known =
    [
        "job_id", "retry", "job_success_string", "ssm_document", "commands", "re_run",
        "timeout_seconds", "working_directory", "env", "success_exit_codes", "output_s3_prefix",
    ];

    public static JobParseResult Parse(string body, JobDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        if (string.IsNullOrWhiteSpace(body))
        {
            return Invalid(null, "message body is empty: expected a JSON object such as {\"job_id\": \"job-1\", \"commands\": [\"echo hello\"]}");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: Options);
        }
        catch (JsonException e)
        {
            return Invalid(SalvageJobId(body), $"message is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject obj)
        {
            return Invalid(null, $"message must be a JSON object, got {Describe(root)}");
        }

        var errors = new List<string>();
        var jobId = ReadJobId(obj, errors);
        var retry = ReadRetry(obj, defaults, errors);
        var successString = ReadOptionalString(obj, "job_success_string", errors) ?? defaults.SuccessString;
        var document = ReadOptionalString(obj, "ssm_document", errors);
        var commands = ReadCommands(obj, errors);
        var timeout = ReadPositiveInt(obj, "timeout_seconds", errors) ?? defaults.TimeoutSeconds;
        var workingDirectory = ReadOptionalString(obj, "working_directory", errors);
        var env = ReadEnv(obj, errors);
        var exitCodes = ReadExitCodes(obj, errors);
        var outputPrefix = ReadOptionalString(obj, "output_s3_prefix", errors);
        ReadNonNegativeInt(obj, "re_run", errors); // the seed's attempt counter: accepted, the ledger counts attempts

        if (errors.Count > 0 || jobId is null || commands is null)
        {
            return new JobParseResult { JobId = jobId, Errors = errors };
        }

        var unknown = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (!Known.Contains(key))
            {
                unknown[key] = value?.DeepClone();
            }
        }

        return new JobParseResult
        {
            JobId = jobId,
            Job = new JobSpec
            {
                JobId = jobId,
                Retry = retry,
                SuccessString = string.IsNullOrWhiteSpace(successString) ? null : successString,
                Document = string.IsNullOrWhiteSpace(document) ? defaults.DocumentFor() : document,
                Commands = commands,
                TimeoutSeconds = timeout,
                WorkingDirectory = string.IsNullOrWhiteSpace(workingDirectory) ? null : workingDirectory,
                Env = env,
                SuccessExitCodes = exitCodes,
                OutputS3Prefix = string.IsNullOrWhiteSpace(outputPrefix) ? null : outputPrefix,
                Unknown = unknown,
            },
        };
    }

    /// <summary>
    /// The submitter's own id out of a message too broken to parse, so its failure is recorded under a
    /// name they know. Null when there is no plain string job_id to be found.
    /// </summary>
    private static string? SalvageJobId(string body)
    {
        var match = JobIdPattern().Match(body);
        return match.Success && match.Groups[1].Value.Trim().Length > 0 && match.Groups[1].Value.Length <= MaxJobIdLength ? match.Groups[1].Value : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"job_id\"\\s*:\\s*\"([^\"\\\\\\p{Cc}]*)\"")]
    private static partial System.Text.RegularExpressions.Regex JobIdPattern();

    private static JobParseResult Invalid(string? jobId, string error) => new() { JobId = jobId, Errors = [error] };

    private static string? ReadJobId(JsonObject obj, List<string> errors)
    {
        if (!obj.TryGetPropertyValue("job_id", out var node) || node is null)
        {
            errors.Add("job_id is missing: expected a non-empty string that names the job");
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number)
        {
            // Seed users' scripts build ids with jq and often emit bare numbers; the id is still unambiguous.
            return node.ToJsonString();
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add($"job_id must be a string, got {Describe(node)}");
            return null;
        }

        var id = node.GetValue<string>();
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add("job_id is blank: expected a non-empty string that names the job");
            return null;
        }

        if (id.Length > MaxJobIdLength)
        {
            errors.Add($"job_id is {id.Length} characters long: at most {MaxJobIdLength} are allowed");
            return null;
        }

        if (id.Any(char.IsControl))
        {
            errors.Add("job_id contains a control character (newline, tab, ...): use printable characters only");
            return null;
        }

        return id;
    }

    private static int ReadRetry(JsonObject obj, JobDefaults defaults, List<string> errors)
    {
        if (!obj.TryGetPropertyValue("retry", out var node) || node is null)
        {
            return defaults.Retry;
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>().Trim(),
            _ => null,
        };

        if (text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var retry) && retry <= 1000)
        {
            return retry;
        }

        errors.Add($"retry must be a whole number from 0 to 1000, as a number or a string (\"3\"), got {Describe(node)}");
        return 0;
    }

    private static IReadOnlyList<string>? ReadCommands(JsonObject obj, List<string> errors)
    {
        if (!obj.TryGetPropertyValue("commands", out var node) || node is null)
        {
            errors.Add("commands is missing: expected a non-empty list of strings, e.g. [\"echo hello\"]");
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var single = node.GetValue<string>();
            if (string.IsNullOrWhiteSpace(single))
            {
                errors.Add("commands is blank: expected a non-empty list of strings");
                return null;
            }

            return [single];
        }

        if (node is not JsonArray array)
        {
            errors.Add($"commands must be a list of strings, got {Describe(node)}");
            return null;
        }

        if (array.Count == 0)
        {
            errors.Add("commands is an empty list: expected at least one command");
            return null;
        }

        var commands = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is { } item && item.GetValueKind() == JsonValueKind.String)
            {
                commands.Add(item.GetValue<string>());
            }
            else
            {
                errors.Add($"commands[{i}] must be a string, got {Describe(array[i])}");
            }
        }

        return errors.Count == 0 ? commands : null;
    }

    private static string? ReadOptionalString(JsonObject obj, string field, List<string> errors)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            return node.GetValue<string>();
        }

        errors.Add($"{field} must be a string, got {Describe(node)}");
        return null;
    }

    private static int? ReadPositiveInt(JsonObject obj, string field, List<string> errors)
    {
        var before = errors.Count;
        var value = ReadNonNegativeInt(obj, field, errors);
        if (value == 0 || errors.Count > before)
        {
            errors.RemoveRange(before, errors.Count - before);
            errors.Add($"{field} must be a whole number greater than 0, got {Describe(obj[field])}");
            return null;
        }

        return value;
    }

    private static int? ReadNonNegativeInt(JsonObject obj, string field, List<string> errors)
    {
        if (!obj.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>().Trim(),
            _ => null,
        };

        if (text is not null && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{field} must be a whole number >= 0, got {Describe(node)}");
        return null;
    }

    private static Dictionary<string, string> ReadEnv(JsonObject obj, List<string> errors)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!obj.TryGetPropertyValue("env", out var node) || node is null)
        {
            return env;
        }

        if (node is not JsonObject map)
        {
            errors.Add($"env must be an object of string values, e.g. {{\"OMP_NUM_THREADS\": \"4\"}}, got {Describe(node)}");
            return env;
        }

        foreach (var (name, value) in map)
        {
            if (!IsEnvName(name))
            {
                errors.Add($"env key \"{name}\" is not a valid variable name: use letters, digits and _ and do not start with a digit");
            }
            else if (value is null || value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add($"env.{name} must be a string, got {Describe(value)}");
            }
            else
            {
                env[name] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            }
        }

        return env;
    }

    private static IReadOnlyList<int> ReadExitCodes(JsonObject obj, List<string> errors)
    {
        if (!obj.TryGetPropertyValue("success_exit_codes", out var node) || node is null)
        {
            return [0];
        }

        if (node is not JsonArray array || array.Count == 0)
        {
            errors.Add($"success_exit_codes must be a non-empty list of whole numbers, e.g. [0, 2], got {Describe(node)}");
            return [0];
        }

        var codes = new List<int>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is { } item && item.GetValueKind() == JsonValueKind.Number && int.TryParse(item.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 255)
            {
                codes.Add(code);
            }
            else
            {
                errors.Add($"success_exit_codes[{i}] must be a whole number from 0 to 255, got {Describe(array[i])}");
            }
        }

        return codes;
    }

    private static bool IsEnvName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var kind = node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            _ => "null",
        };
        var text = node.ToJsonString();
        return $"{kind} {(text.Length > 60 ? text[..57] + "..." : text)}";
    }
}

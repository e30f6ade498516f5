using System.Text.Json.Nodes;
using Shoal.Core.Jobs;

namespace Shoal.Core.Tests.Jobs;

public sealed class JobMessageParserTests
{
    private static readonly JobDefaults Linux = new();

    private static JobSpec Valid(string body, JobDefaults? defaults = null)
    {
        var result = JobMessageParser.Parse(body, defaults ?? Linux);
        Assert.True(result.IsValid, $"expected a valid job, got: {result.ErrorText}");
        Assert.Empty(result.Errors);
        return result.Job!;
    }

    private static JobParseResult Invalid(string body, JobDefaults? defaults = null)
    {
        var result = JobMessageParser.Parse(body, defaults ?? Linux);
        Assert.False(result.IsValid, "expected the message to be rejected");
        Assert.Null(result.Job);
        Assert.NotEmpty(result.Errors);
        return result;
    }

    [Fact]
    public void Seed_example_with_its_trailing_comma_parses_to_all_five_fields()
    {
        var job = Valid("""{"job_id": "jobId_0", "retry": "3", "job_success_string": "Hello", "ssm_document": "AWS-RunShellScript", "commands": ["echo Hello World"],}""");

        Assert.Equal("jobId_0", job.JobId);
        Assert.Equal(3, job.Retry);
        Assert.Equal("Hello", job.SuccessString);
        Assert.Equal("AWS-RunShellScript", job.Document);
        Assert.Equal(["echo Hello World"], job.Commands);
        Assert.Null(job.TimeoutSeconds);
        Assert.Null(job.WorkingDirectory);
        Assert.Empty(job.Env);
        Assert.Equal([0], job.SuccessExitCodes);
        Assert.Null(job.OutputS3Prefix);
        Assert.Empty(job.Unknown);
    }

    [Fact]
    public void Trailing_comma_inside_the_commands_list_is_accepted_too()
    {
        var job = Valid("""{"job_id": "j", "commands": ["a", "b",],}""");
        Assert.Equal(["a", "b"], job.Commands);
    }

    [Theory]
    [InlineData("\"3\"", 3)]
    [InlineData("3", 3)]
    [InlineData("\"0\"", 0)]
    [InlineData("0", 0)]
    [InlineData("\" 7 \"", 7)]
    [InlineData("1000", 1000)]
    public void Retry_is_accepted_as_a_string_or_a_number(string retry, int expected)
    {
        Assert.Equal(expected, Valid($$"""{"job_id": "j", "retry": {{retry}}, "commands": ["x"]}""").Retry);
    }

    [Theory]
    [InlineData("\"three\"", "a string \"three\"")]
    [InlineData("-1", "a number -1")]
    [InlineData("\"-1\"", "a string \"-1\"")]
    [InlineData("1.5", "a number 1.5")]
    [InlineData("\"1.5\"", "a string \"1.5\"")]
    [InlineData("true", "a boolean true")]
    [InlineData("[3]", "a list [3]")]
    [InlineData("1001", "a number 1001")]
    [InlineData("\"\"", "a string \"\"")]
    public void Invalid_retry_is_rejected_naming_the_field_and_the_value(string retry, string described)
    {
        var result = Invalid($$"""{"job_id": "j", "retry": {{retry}}, "commands": ["x"]}""");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("retry must be a whole number from 0 to 1000", error, StringComparison.Ordinal);
        Assert.EndsWith($"got {described}", error, StringComparison.Ordinal);
        Assert.Equal("j", result.JobId);
    }

    [Fact]
    public void Missing_retry_takes_the_queue_default()
    {
        Assert.Equal(5, Valid("""{"job_id": "j", "commands": ["x"]}""", new JobDefaults { Retry = 5 }).Retry);
        Assert.Equal(3, Valid("""{"job_id": "j", "commands": ["x"]}""").Retry);
        Assert.Equal(5, Valid("""{"job_id": "j", "retry": null, "commands": ["x"]}""", new JobDefaults { Retry = 5 }).Retry);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\" \"")]
    [InlineData("\"\\t\\n  \"")]
    public void Blank_or_whitespace_success_string_means_no_output_check(string success)
    {
        var job = Valid($$"""{"job_id": "j", "job_success_string": {{success}}, "commands": ["x"]}""");
        Assert.Null(job.SuccessString);
    }

    [Fact]
    public void Blank_success_string_in_the_message_overrides_the_queue_default()
    {
        var defaults = new JobDefaults { SuccessString = "DONE" };

        Assert.Null(Valid("""{"job_id": "j", "job_success_string": "  ", "commands": ["x"]}""", defaults).SuccessString);
        Assert.Equal("DONE", Valid("""{"job_id": "j", "commands": ["x"]}""", defaults).SuccessString);
        Assert.Equal(" ok ", Valid("""{"job_id": "j", "job_success_string": " ok ", "commands": ["x"]}""", defaults).SuccessString);
    }

    [Fact]
    public void Success_string_that_is_not_a_string_is_rejected()
    {
        var error = Assert.Single(Invalid("""{"job_id": "j", "job_success_string": 5, "commands": ["x"]}""").Errors);
        Assert.Equal("job_success_string must be a string, got a number 5", error);
    }

    [Theory]
    [InlineData(Platform.Linux, "AWS-RunShellScript")]
    [InlineData(Platform.Windows, "AWS-RunPowerShellScript")]
    public void Missing_or_blank_document_defaults_by_platform(Platform platform, string expected)
    {
        var defaults = new JobDefaults { Platform = platform };

        Assert.Equal(expected, Valid("""{"job_id": "j", "commands": ["x"]}""", defaults).Document);
        Assert.Equal(expected, Valid("""{"job_id": "j", "ssm_document": "", "commands": ["x"]}""", defaults).Document);
        Assert.Equal(expected, Valid("""{"job_id": "j", "ssm_document": "   ", "commands": ["x"]}""", defaults).Document);
    }

    [Fact]
    public void Explicit_document_wins_over_platform_and_queue_default()
    {
        var defaults = new JobDefaults { Platform = Platform.Windows, Document = "Team-Doc" };

        Assert.Equal("My-Doc", Valid("""{"job_id": "j", "ssm_document": "My-Doc", "commands": ["x"]}""", defaults).Document);
        Assert.Equal("Team-Doc", Valid("""{"job_id": "j", "commands": ["x"]}""", defaults).Document);
    }

    [Fact]
    public void Missing_job_id_is_an_error_and_nothing_is_salvaged()
    {
        var result = Invalid("""{"retry": "1", "commands": ["x"]}""");
        Assert.Equal("job_id is missing: expected a non-empty string that names the job", Assert.Single(result.Errors));
        Assert.Null(result.JobId);
    }

    [Theory]
    [InlineData("null", "job_id is missing")]
    [InlineData("\"\"", "job_id is blank")]
    [InlineData("\"   \"", "job_id is blank")]
    [InlineData("true", "job_id must be a string, got a boolean true")]
    [InlineData("{\"a\": 1}", "job_id must be a string, got an object")]
    [InlineData("\"a\\nb\"", "job_id contains a control character")]
    public void Bad_job_id_is_rejected(string jobId, string expectedStart)
    {
        var result = Invalid($$"""{"job_id": {{jobId}}, "commands": ["x"]}""");
        Assert.StartsWith(expectedStart, Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Null(result.JobId);
    }

    [Fact]
    public void Job_id_longer_than_the_limit_is_rejected_and_one_at_the_limit_is_accepted()
    {
        var atLimit = new string('a', JobMessageParser.MaxJobIdLength);
        Assert.Equal(atLimit, Valid($$"""{"job_id": "{{atLimit}}", "commands": ["x"]}""").JobId);

        var error = Assert.Single(Invalid($$"""{"job_id": "{{atLimit}}b", "commands": ["x"]}""").Errors);
        Assert.Equal($"job_id is {JobMessageParser.MaxJobIdLength + 1} characters long: at most {JobMessageParser.MaxJobIdLength} are allowed", error);
    }

    [Fact]
    public void Numeric_job_id_is_kept_as_its_text()
    {
        Assert.Equal("42", Valid("""{"job_id": 42, "commands": ["x"]}""").JobId);
    }

    [Fact]
    public void Missing_commands_is_an_error_and_the_job_id_is_salvaged()
    {
        var result = Invalid("""{"job_id": "j7"}""");
        Assert.StartsWith("commands is missing", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Equal("j7", result.JobId);
    }

    [Theory]
    [InlineData("5", "commands must be a list of strings, got a number 5")]
    [InlineData("{\"a\": \"b\"}", "commands must be a list of strings, got an object {\"a\":\"b\"}")]
    [InlineData("true", "commands must be a list of strings, got a boolean true")]
    [InlineData("[]", "commands is an empty list: expected at least one command")]
    [InlineData("\"\"", "commands is blank: expected a non-empty list of strings")]
    public void Commands_that_are_not_a_non_empty_list_are_rejected(string commands, string expected)
    {
        Assert.Equal(expected, Assert.Single(Invalid($$"""{"job_id": "j", "commands": {{commands}}}""").Errors));
    }

    [Fact]
    public void Non_string_command_items_are_each_reported_with_their_index()
    {
        var result = Invalid("""{"job_id": "j", "commands": ["ok", 1, null, "fine", ["nested"]]}""");

        Assert.Equal(
            ["commands[1] must be a string, got a number 1", "commands[2] must be a string, got null", "commands[4] must be a string, got a list [\"nested\"]"],
            result.Errors);
    }

    [Fact]
    public void A_single_command_string_is_taken_as_a_one_item_list()
    {
        Assert.Equal(["echo hi"], Valid("""{"job_id": "j", "commands": "echo hi"}""").Commands);
    }

    [Fact]
    public void Extension_fields_are_read()
    {
        var job = Valid("""
            {
              "job_id": "j", "commands": ["x"],
              "timeout_seconds": "90",
              "working_directory": "/data/run",
              "env": {"OMP_NUM_THREADS": "4", "_X1": 7, "DEBUG": true},
              "success_exit_codes": [0, 2, 255],
              "output_s3_prefix": "s3://bucket/out/"
            }
            """);

        Assert.Equal(90, job.TimeoutSeconds);
        Assert.Equal("/data/run", job.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "4", ["_X1"] = "7", ["DEBUG"] = "true" }, job.Env);
        Assert.Equal([0, 2, 255], job.SuccessExitCodes);
        Assert.Equal("s3://bucket/out/", job.OutputS3Prefix);
        Assert.Empty(job.Unknown);
    }

    [Fact]
    public void Timeout_defaults_from_the_queue_and_the_message_wins()
    {
        var defaults = new JobDefaults { TimeoutSeconds = 600 };
        Assert.Equal(600, Valid("""{"job_id": "j", "commands": ["x"]}""", defaults).TimeoutSeconds);
        Assert.Equal(30, Valid("""{"job_id": "j", "commands": ["x"], "timeout_seconds": 30}""", defaults).TimeoutSeconds);
    }

    [Theory]
    [InlineData("0", "timeout_seconds must be a whole number greater than 0, got a number 0")]
    [InlineData("-5", "timeout_seconds must be a whole number greater than 0, got a number -5")]
    [InlineData("2.5", "timeout_seconds must be a whole number greater than 0, got a number 2.5")]
    [InlineData("\"soon\"", "timeout_seconds must be a whole number greater than 0, got a string \"soon\"")]
    public void Bad_timeout_is_rejected(string timeout, string expected)
    {
        Assert.Equal(expected, Assert.Single(Invalid($$"""{"job_id": "j", "commands": ["x"], "timeout_seconds": {{timeout}}}""").Errors));
    }

    [Fact]
    public void Blank_working_directory_and_output_prefix_mean_none()
    {
        var job = Valid("""{"job_id": "j", "commands": ["x"], "working_directory": " ", "output_s3_prefix": ""}""");
        Assert.Null(job.WorkingDirectory);
        Assert.Null(job.OutputS3Prefix);
    }

    [Fact]
    public void Working_directory_and_output_prefix_must_be_strings()
    {
        var result = Invalid("""{"job_id": "j", "commands": ["x"], "working_directory": 1, "output_s3_prefix": ["s3://b"]}""");
        Assert.Equal(["working_directory must be a string, got a number 1", "output_s3_prefix must be a string, got a list [\"s3://b\"]"], result.Errors);
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("")]
    [InlineData("A B")]
    [InlineData("ÄB")]
    public void Env_names_that_are_not_variable_names_are_rejected(string name)
    {
        var body = new JsonObject { ["job_id"] = "j", ["commands"] = new JsonArray("x"), ["env"] = new JsonObject { [name] = "v" } }.ToJsonString();
        var error = Assert.Single(Invalid(body).Errors);
        Assert.Equal($"env key \"{name}\" is not a valid variable name: use letters, digits and _ and do not start with a digit", error);
    }

    [Theory]
    [InlineData("{\"A\": null}", "env.A must be a string, got null")]
    [InlineData("{\"A\": [1]}", "env.A must be a string, got a list [1]")]
    [InlineData("{\"A\": {}}", "env.A must be a string, got an object {}")]
    [InlineData("[\"A=1\"]", "env must be an object of string values, e.g. {\"OMP_NUM_THREADS\": \"4\"}, got a list [\"A=1\"]")]
    [InlineData("\"A=1\"", "env must be an object of string values, e.g. {\"OMP_NUM_THREADS\": \"4\"}, got a string \"A=1\"")]
    public void Bad_env_values_are_rejected(string env, string expected)
    {
        Assert.Equal(expected, Assert.Single(Invalid($$"""{"job_id": "j", "commands": ["x"], "env": {{env}}}""").Errors));
    }

    [Theory]
    [InlineData("[256]", "success_exit_codes[0] must be a whole number from 0 to 255, got a number 256")]
    [InlineData("[0, -1]", "success_exit_codes[1] must be a whole number from 0 to 255, got a number -1")]
    [InlineData("[0, \"2\"]", "success_exit_codes[1] must be a whole number from 0 to 255, got a string \"2\"")]
    [InlineData("[1.5]", "success_exit_codes[0] must be a whole number from 0 to 255, got a number 1.5")]
    [InlineData("[]", "success_exit_codes must be a non-empty list of whole numbers, e.g. [0, 2], got a list []")]
    [InlineData("0", "success_exit_codes must be a non-empty list of whole numbers, e.g. [0, 2], got a number 0")]
    public void Bad_success_exit_codes_are_rejected(string codes, string expected)
    {
        Assert.Equal(expected, Assert.Single(Invalid($$"""{"job_id": "j", "commands": ["x"], "success_exit_codes": {{codes}}}""").Errors));
    }

    [Fact]
    public void Unknown_fields_are_kept_and_known_ones_are_not()
    {
        var job = Valid("""{"job_id": "j", "commands": ["x"], "re_run": "2", "priority": 5, "owner": {"team": "hpc"}, "tags": ["a"]}""");

        Assert.Equal(["priority", "owner", "tags"], job.Unknown.Select(p => p.Key));
        Assert.Equal(5, job.Unknown["priority"]!.GetValue<int>());
        Assert.Equal("hpc", job.Unknown["owner"]!["team"]!.GetValue<string>());
        Assert.Equal("a", job.Unknown["tags"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Seed_re_run_counter_must_still_be_a_whole_number()
    {
        var error = Assert.Single(Invalid("""{"job_id": "j", "commands": ["x"], "re_run": "again"}""").Errors);
        Assert.Equal("re_run must be a whole number >= 0, got a string \"again\"", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public void Empty_body_is_rejected_with_an_example(string body)
    {
        var result = Invalid(body);
        Assert.StartsWith("message body is empty: expected a JSON object such as", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Null(result.JobId);
    }

    [Theory]
    [InlineData("job_id=1")]
    [InlineData("{'job_id': 'j'}")]
    [InlineData("{\"job_id\": \"\", \"commands\": [")]
    [InlineData("{\"job_id\": 7, \"commands\": [")]
    public void Non_json_is_rejected(string body)
    {
        var result = Invalid(body);
        Assert.StartsWith("message is not valid JSON: ", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Null(result.JobId);
    }

    [Theory]
    [InlineData("{\"job_id\": \"j\", \"commands\": [\"x\"]", "j")]
    [InlineData("{\"retry\": 1 \"job_id\" :  \"batch-7\", }}", "batch-7")]
    [InlineData("{\"job_id\": \"jobId_0\", \"commands\": [\"echo \"Hello\"\"]}", "jobId_0")]
    public void Job_id_is_salvaged_from_broken_json(string body, string expected)
    {
        var result = Invalid(body);
        Assert.StartsWith("message is not valid JSON: ", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Equal(expected, result.JobId);
    }

    [Theory]
    [InlineData("[1, 2]", "message must be a JSON object, got a list [1,2]")]
    [InlineData("\"job\"", "message must be a JSON object, got a string \"job\"")]
    [InlineData("42", "message must be a JSON object, got a number 42")]
    [InlineData("null", "message must be a JSON object, got null")]
    public void Json_that_is_not_an_object_is_rejected(string body, string expected)
    {
        Assert.Equal(expected, Assert.Single(Invalid(body).Errors));
    }

    [Fact]
    public void Several_errors_are_reported_together_and_the_job_id_is_salvaged()
    {
        var result = Invalid("""{"job_id": "broken-1", "retry": "three", "commands": [], "timeout_seconds": 0, "env": {"9X": "1"}, "success_exit_codes": [300]}""");

        Assert.Equal("broken-1", result.JobId);
        Assert.Equal(5, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.StartsWith("retry ", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("commands ", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("timeout_seconds ", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("env key \"9X\"", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("success_exit_codes[0] ", StringComparison.Ordinal));
        Assert.Equal(string.Join("; ", result.Errors), result.ErrorText);
    }

    [Fact]
    public void Comments_are_skipped()
    {
        Assert.Equal("j", Valid("""{"job_id": "j", /* from a template */ "commands": ["x"]}""").JobId);
    }

    [Fact]
    public void Parse_never_throws_on_deeply_nested_input()
    {
        var body = "{\"job_id\": \"j\", \"commands\": [\"x\"], \"deep\": " + new string('[', 200) + new string(']', 200) + "}";
        var result = JobMessageParser.Parse(body, Linux);
        Assert.False(result.IsValid);
        Assert.StartsWith("message is not valid JSON: ", Assert.Single(result.Errors), StringComparison.Ordinal);
    }
}

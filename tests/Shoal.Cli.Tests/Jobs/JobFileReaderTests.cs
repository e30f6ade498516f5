using Shoal.Cli.Jobs;
using Shoal.Cli.Tests.EndToEnd;

namespace Shoal.Cli.Tests.Jobs;

public sealed class JobFileReaderTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_json_file_is_one_job_kept_verbatim()
    {
        var body = "{\n  \"job_id\": \"a\",\n  \"commands\": [\"true\"],\n}";
        var sources = JobFileReader.Read([temp.File("a.json", body)]);

        Assert.Equal(body, Assert.Single(sources).Body);
    }

    [Fact]
    public void A_jsonl_file_is_one_job_per_non_blank_line_with_line_numbers_as_origin()
    {
        var path = temp.File("b.jsonl", "{\"job_id\": \"1\"}\n\n   \n{\"job_id\": \"2\"}\nnot json\n");

        var sources = JobFileReader.Read([path]);

        Assert.Equal(["{\"job_id\": \"1\"}", "{\"job_id\": \"2\"}", "not json"], sources.Select(s => s.Body));
        Assert.Equal([$"{path}:1", $"{path}:4", $"{path}:5"], sources.Select(s => s.Origin));
    }

    [Fact]
    public void A_directory_is_every_json_file_in_name_order_and_nothing_else()
    {
        temp.File("dir/b.json", "{\"job_id\": \"b\"}");
        temp.File("dir/a.json", "{\"job_id\": \"a\"}");
        temp.File("dir/notes.txt", "ignored");
        temp.File("dir/sub/c.json", "{\"job_id\": \"c\"}");

        var sources = JobFileReader.Read([Path.Combine(temp.Path, "dir")]);

        Assert.Equal(["{\"job_id\": \"a\"}", "{\"job_id\": \"b\"}"], sources.Select(s => s.Body));
    }

    [Fact]
    public void Several_paths_are_read_in_the_order_given()
    {
        var second = temp.File("2.json", "{\"job_id\": \"second\"}");
        var first = temp.File("1.jsonl", "{\"job_id\": \"first\"}");

        Assert.Equal(["{\"job_id\": \"first\"}", "{\"job_id\": \"second\"}"], JobFileReader.Read([first, second]).Select(s => s.Body));
    }

    [Theory]
    [InlineData("jobs.txt", "expected a .json file (one job), a .jsonl file (one job per line) or a directory")]
    [InlineData("missing.json", "no such file or directory")]
    public void Paths_that_are_not_job_files_are_rejected_with_what_to_pass_instead(string name, string expected)
    {
        var path = name == "missing.json" ? Path.Combine(temp.Path, name) : temp.File(name, "x");

        var error = Assert.Throws<UserException>(() => JobFileReader.Read([path]));

        Assert.Contains(expected, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void An_empty_directory_is_an_error_not_a_silent_no_op()
    {
        Directory.CreateDirectory(Path.Combine(temp.Path, "empty"));

        var error = Assert.Throws<UserException>(() => JobFileReader.Read([Path.Combine(temp.Path, "empty")]));

        Assert.Contains("holds no .json files", error.Message);
    }
}

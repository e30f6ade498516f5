using Shoal.Local.Commands;

namespace Shoal.Local.Tests.Commands;

public sealed class SafeNameTests
{
    private static readonly string[] Unsafe =
    [
        "a b", "a;b", "a$b", "a'b", "a\"b", "a`b", "a/b", "a\\b", "a&b", "a|b", "a*b", "a?b", "a\u00fcb", "a\u2713b", "a_b",
    ];

    [Fact]
    public void Ids_that_differ_only_in_unsafe_characters_get_distinct_names()
    {
        var names = Unsafe.Select(SafeName.For).ToList();

        Assert.Equal(Unsafe.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Unsafe.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("$(touch pwned); `rm -rf /` && 'x' \"y\"")]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(".hidden")]
    [InlineData("-rf")]
    [InlineData("\u00fcn\u00ef \u2713")]
    [InlineData("render-001/run.sh")]
    public void Names_are_plain_file_names_that_can_be_created_inside_their_parent(string jobId)
    {
        var name = SafeName.For(jobId);

        Assert.Matches("^[A-Za-z0-9_-][A-Za-z0-9._-]*$", name);
        Assert.Equal(name, SafeName.For(jobId));

        var parent = Path.Combine(Path.GetTempPath(), "shoal-local-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var created = Directory.CreateDirectory(Path.Combine(parent, name));
            Assert.Equal(Path.GetFullPath(parent), created.Parent!.FullName);
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public void Long_ids_give_bounded_names_that_still_differ()
    {
        var a = new string('x', 1024) + "a";
        var b = new string('x', 1024) + "b";

        Assert.InRange(SafeName.For(a).Length, 1, 100);
        Assert.NotEqual(SafeName.For(a), SafeName.For(b));
    }

    [Fact]
    public void Readable_part_keeps_the_safe_characters_of_the_id()
    {
        Assert.StartsWith("render-001_run.sh-", SafeName.For("render-001/run.sh"), StringComparison.Ordinal);
    }
}

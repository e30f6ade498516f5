using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

public sealed class SsmCommentTests
{
    [Fact]
    public void Short_ids_are_kept_whole() => Assert.Equal("jobId_0 (attempt 1)", SsmComment.Render("jobId_0", 1));

    [Theory]
    [InlineData(81)]
    [InlineData(500)]
    [InlineData(5000)]
    public void Long_ids_fit_in_100_characters_with_their_start_end_and_attempt(int length)
    {
        var id = "s3-ingest/" + new string('m', length) + "/final-input.bat";

        var comment = SsmComment.Render(id, 3);

        Assert.InRange(comment.Length, 1, SsmComment.MaxLength);
        Assert.StartsWith("s3-ingest/", comment, StringComparison.Ordinal);
        Assert.Contains("final-input.bat", comment, StringComparison.Ordinal);
        Assert.EndsWith("(attempt 3)", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_ids_that_differ_only_in_the_middle_render_differently()
    {
        var a = new string('a', 100) + "X" + new string('z', 100);
        var b = new string('a', 100) + "Y" + new string('z', 100);

        Assert.NotEqual(SsmComment.Render(a, 1), SsmComment.Render(b, 1));
    }

    [Fact]
    public void Cuts_never_split_a_surrogate_pair_and_control_characters_become_spaces()
    {
        var id = "line\nbreak-" + string.Concat(Enumerable.Repeat("😀", 200));

        var comment = SsmComment.Render(id, 1);

        Assert.True(comment.Length <= SsmComment.MaxLength);
        Assert.DoesNotContain('\n', comment);
        for (var i = 0; i < comment.Length; i++)
        {
            Assert.False(char.IsHighSurrogate(comment[i]) && (i + 1 == comment.Length || !char.IsLowSurrogate(comment[i + 1])), $"half a pair at {i}");
            Assert.False(char.IsLowSurrogate(comment[i]) && (i == 0 || !char.IsHighSurrogate(comment[i - 1])), $"half a pair at {i}");
        }
    }
}

using System.Text;
using Shoal.Core.Workers;

namespace Shoal.Core.Tests.Workers;

public sealed class OutputSearchTests
{
    private const int Chunk = 64 * 1024;

    private static Task<bool> Search(string text, string needle, int? maxRead = null) =>
        OutputSearch.ContainsAsync(maxRead is { } max ? new TrickleReader(text, max) : new StringReader(text), needle, CancellationToken.None);

    [Fact]
    public async Task Finds_a_needle_at_the_start_middle_and_end()
    {
        Assert.True(await Search("Hello world", "Hello"));
        Assert.True(await Search("say Hello world", "Hello"));
        Assert.True(await Search("world Hello", "Hello"));
        Assert.True(await Search("Hello", "Hello"));
    }

    [Fact]
    public async Task Absent_needle_is_not_found()
    {
        Assert.False(await Search(new string('x', 3 * Chunk), "Hello"));
        Assert.False(await Search("", "Hello"));
        Assert.False(await Search("Hell", "Hello"));
        Assert.False(await Search("hello", "Hello"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Finds_a_needle_split_across_the_chunk_boundary(int before)
    {
        var needle = "Hello";
        var text = new string('x', Chunk - before) + needle + new string('y', 100);
        Assert.True(await Search(text, needle));
    }

    [Fact]
    public async Task Finds_a_needle_split_across_a_later_chunk_boundary()
    {
        // After the first chunk the buffer starts with the carried tail, so later boundaries sit elsewhere.
        var needle = "SUCCESS-MARKER";
        for (var offset = 3 * Chunk - 40; offset < 3 * Chunk + 5; offset++)
        {
            var text = new string('x', offset) + needle + "z";
            Assert.True(await Search(text, needle), $"needle at {offset} not found");
        }
    }

    [Fact]
    public async Task Finds_a_needle_after_the_first_24000_characters_and_far_beyond_64_KiB()
    {
        Assert.True(await Search(new string('a', 24_000) + "Hello", "Hello"));
        Assert.True(await Search(new string('a', 24_001) + "Hello" + new string('b', 10), "Hello"));
        Assert.True(await Search(new string('a', 10 * Chunk + 12_345) + "Hello", "Hello"));
    }

    [Fact]
    public async Task Reads_in_small_pieces_still_find_matches_across_reads()
    {
        var text = new string('x', 1000) + "Hello" + new string('x', 1000);
        foreach (var piece in new[] { 1, 2, 3, 7 })
        {
            Assert.True(await Search(text, "Hello", piece), $"not found with reads of {piece}");
        }

        Assert.False(await Search(text.Replace("Hello", "Hel-lo", StringComparison.Ordinal), "Hello", 3));
    }

    [Fact]
    public async Task Needle_longer_than_a_chunk_is_found()
    {
        var needle = new string('n', Chunk + 10) + "!";
        Assert.True(await Search("head " + needle + " tail", needle));
        Assert.False(await Search("head " + needle[..^1] + " tail", needle));
    }

    [Fact]
    public async Task Unicode_is_matched_by_exact_characters()
    {
        Assert.True(await Search("résultat: ✓ terminé 完成 🎉", "✓ terminé"));
        Assert.True(await Search("done 完成 🎉 ok", "🎉"));
        Assert.False(await Search("resultat termine", "terminé"));

        // A surrogate pair split across the chunk boundary.
        var text = new string('x', Chunk - 1) + "🎉 done";
        Assert.True(await Search(text, "🎉 done"));
    }

    [Fact]
    public async Task Empty_needle_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Search("x", ""));
    }

    /// <summary>A reader that returns at most a few characters per read, as a network stream may.</summary>
    private sealed class TrickleReader(string text, int max) : TextReader
    {
        private int position;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, max), text.Length - position);
            text.CopyTo(position, buffer, index, n);
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, max), text.Length - position);
            text.AsSpan(position, n).CopyTo(buffer.Span);
            position += n;
            return ValueTask.FromResult(n);
        }
    }
}

namespace Shoal.Aws.Commands;

/// <summary>
/// SSM's inline stdout as a reader. When the copy may be cut at 24,000 characters, what it holds is a
/// true prefix of the output, but its end is not the output's end: reaching it throws instead of
/// reporting end of file. A success string found in the prefix is honestly found; one not found
/// cannot be called missing, and the engine records the attempt as OutputUnreadable with this message.
/// </summary>
internal sealed class InlineOutputReader(string text, string? truncatedMessage) : TextReader
{
    private readonly StringReader inner = new(text);

    public override int Peek() => CheckChar(inner.Peek());

    public override int Read() => CheckChar(inner.Read());

    public override int Read(char[] buffer, int index, int count) => CheckCount(inner.Read(buffer, index, count), count);

    public override int Read(Span<char> buffer) => CheckCount(inner.Read(buffer), buffer.Length);

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer, index, count));

    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override string ReadToEnd()
    {
        var rest = inner.ReadToEnd();
        CheckChar(-1);
        return rest;
    }

    public override Task<string> ReadToEndAsync() => Task.FromResult(ReadToEnd());

    public override Task<string> ReadToEndAsync(CancellationToken cancellationToken) => Task.FromResult(ReadToEnd());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int CheckChar(int read) => read < 0 && truncatedMessage is not null ? throw new IOException(truncatedMessage) : read;

    private int CheckCount(int read, int requested) => read == 0 && requested > 0 && truncatedMessage is not null ? throw new IOException(truncatedMessage) : read;
}

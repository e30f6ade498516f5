namespace Shoal.Aws.Commands;

/// <summary>Several outputs read as one, in order (the steps of a multi-step document).</summary>
internal sealed class ConcatenatedReader(IReadOnlyList<TextReader> parts) : TextReader
{
    private int current;

    public override int Peek()
    {
        for (; current < parts.Count; current++)
        {
            if (parts[current].Peek() is var c and >= 0)
            {
                return c;
            }
        }

        return -1;
    }

    public override int Read() => Peek() >= 0 ? parts[current].Read() : -1;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        // An empty buffer reads 0 from every part, which must not be taken for their ends.
        if (buffer.IsEmpty)
        {
            return 0;
        }

        for (; current < parts.Count; current++)
        {
            if (parts[current].Read(buffer) is var read and > 0)
            {
                return read;
            }
        }

        return 0;
    }

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        for (; current < parts.Count; current++)
        {
            if (await parts[current].ReadAsync(buffer, cancellationToken) is var read and > 0)
            {
                return read;
            }
        }

        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

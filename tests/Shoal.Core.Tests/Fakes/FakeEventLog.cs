namespace Shoal.Core.Tests.Fakes;

/// <summary>A log shared by the fakes of one test, so tests can assert the order of calls across ports.</summary>
public sealed class FakeEventLog
{
    private readonly List<LoggedEvent> entries = [];
    private long seq;

    public IReadOnlyList<LoggedEvent> Entries
    {
        get
        {
            lock (entries)
            {
                return entries.ToList();
            }
        }
    }

    public void Record(DateTimeOffset at, string source, string text)
    {
        lock (entries)
        {
            entries.Add(new LoggedEvent(++seq, at, source, text));
        }
    }

    /// <summary>Seq of the first entry of <paramref name="source"/> whose text is exactly <paramref name="text"/>; fails when none.</summary>
    public long SeqOf(string source, string text)
    {
        var hit = Entries.FirstOrDefault(e => e.Source == source && e.Text == text);
        Assert.True(hit is not null, $"no {source} event \"{text}\" in the log:\n{string.Join("\n", Entries.Select(e => $"  {e.Seq} {e.At:HH:mm:ss.fff} {e.Source}: {e.Text}"))}");
        return hit.Seq;
    }
}

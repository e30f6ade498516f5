using System.Text;
using Shoal.Aws.Commands;

namespace Shoal.Aws.Tests.Commands;

/// <summary>An in-memory bucket; an object can be made to appear only after some reads (the agent's upload lag).</summary>
public sealed class FakeOutputStore : IOutputStore
{
    private readonly Dictionary<(string Bucket, string Key), (string Text, int HiddenReads)> objects = [];

    public List<string> Reads { get; } = [];

    public List<string> Lists { get; } = [];

    public void Put(string bucket, string key, string text, int hiddenReads = 0) => objects[(bucket, key)] = (text, hiddenReads);

    public Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        Reads.Add($"{bucket}/{key}");
        if (!objects.TryGetValue((bucket, key), out var entry))
        {
            return Task.FromResult<Stream?>(null);
        }

        if (entry.HiddenReads > 0)
        {
            objects[(bucket, key)] = entry with { HiddenReads = entry.HiddenReads - 1 };
            return Task.FromResult<Stream?>(null);
        }

        return Task.FromResult<Stream?>(new MemoryStream(Encoding.UTF8.GetBytes(entry.Text)));
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        Lists.Add($"{bucket}/{prefix}");
        var keys = new List<string>();
        foreach (var (id, entry) in objects.Where(o => o.Key.Bucket == bucket && o.Key.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            if (entry.HiddenReads > 0)
            {
                objects[id] = entry with { HiddenReads = entry.HiddenReads - 1 };
            }
            else
            {
                keys.Add(id.Key);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(keys);
    }
}

using System.Diagnostics;

namespace Shoal.Local.Tests.Queue;

// A database file in a fresh temporary folder, deleted with the folder.
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "shoal-local-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "shoal.db");
    }

    public string Folder { get; }

    public string FilePath { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    // Yields (never sleeps) until the condition holds; the real-time bound only turns a bug into a
    // failure instead of a hung test run.
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not reached");
            await Task.Yield();
        }
    }
}

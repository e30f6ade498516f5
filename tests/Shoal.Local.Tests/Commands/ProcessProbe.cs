using System.Diagnostics;

namespace Shoal.Local.Tests.Commands;

internal static class ProcessProbe
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    // Alive unless /proc has no entry for it or it is a zombie waiting to be reaped (a container's
    // init may never reap the orphans it adopts).
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    // Yields (never sleeps) until the condition holds; the real-time bound turns a bug into a failure
    // instead of a hung run.
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"not reached within {Deadline}: {what}");
            await Task.Yield();
        }
    }

    public static async Task<int> ReadPidAsync(string file)
    {
        var pid = 0;
        await WaitUntilAsync(() => File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out pid), $"pid written to {file}");
        return pid;
    }

    // Best-effort clean-up of a process a test itself started (through its job), should an assertion
    // have failed before it died.
    public static void KillIfAlive(int pid)
    {
        if (pid <= 0 || !IsAlive(pid))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}

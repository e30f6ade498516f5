using System.Globalization;

namespace Shoal.Bench;

/// <summary>
/// CPU seconds used by this process and by its reaped children (the jobs' setsid/bash processes), user
/// and system apart, from /proc/self/stat. On a 2-core machine CPU is the budget every scenario shares,
/// so a run reports what each job cost and on which side of the fork, and of the kernel line, it went.
/// </summary>
internal readonly record struct CpuTime(double SelfUser, double SelfSystem, double ChildrenUser, double ChildrenSystem)
{
    // USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux the bench targets.
    private const double TicksPerSecond = 100.0;

    public double SelfSeconds => SelfUser + SelfSystem;

    public double ChildrenSeconds => ChildrenUser + ChildrenSystem;

    public static CpuTime Now()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            // Fields after the ")" that closes the command name: utime is field 14, cstime field 17 (1-based).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
            return new CpuTime(Field(14), Field(15), Field(16), Field(17));
        }
        catch (IOException)
        {
            // No procfs: the children's share is unknown, so only this process is counted.
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            return new CpuTime(self.UserProcessorTime.TotalSeconds, self.PrivilegedProcessorTime.TotalSeconds, 0, 0);
        }
    }

    public static CpuTime operator -(CpuTime a, CpuTime b) =>
        new(a.SelfUser - b.SelfUser, a.SelfSystem - b.SelfSystem, a.ChildrenUser - b.ChildrenUser, a.ChildrenSystem - b.ChildrenSystem);
}

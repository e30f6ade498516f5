using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>Where the numbers came from: they mean little without the machine and how busy it was.</summary>
internal static class Machine
{
    public static JsonObject Describe() => new()
    {
        ["processors"] = Environment.ProcessorCount,
        ["cpu"] = CpuModel(),
        ["memoryGiB"] = MemoryGiB(),
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
    };

    /// <summary>1, 5 and 15 minute load averages from /proc/loadavg (empty when not on Linux).</summary>
    public static double[] LoadAverage()
    {
        try
        {
            return [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [];
        }
    }

    public static string FormatLoad(double[] load) => load.Length == 0 ? "n/a" : string.Join(", ", load.Select(l => l.ToString("0.00", CultureInfo.InvariantCulture)));

    public static JsonArray LoadJson(double[] load) => [.. load.Select(l => (JsonNode?)JsonValue.Create(l))];

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static double MemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return Math.Round(kib / 1024.0 / 1024.0, 1);
        }
        catch (IOException)
        {
            return -1;
        }
    }
}

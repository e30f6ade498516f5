using System.Globalization;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>
/// What every engine scenario states about its run before any timing: a run with failed jobs, requeues
/// or engine errors measured something other than the happy path, and says so instead of hiding it.
/// </summary>
internal static class RunChecks
{
    public static JsonObject Describe(EngineRun run, int submitted)
    {
        var counts = run.Counts;
        var clean = counts.Succeeded == submitted && counts.Attempts == submitted && run.Errors.Count == 0 && run.Warnings == 0;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  run: {submitted} jobs on {run.Workers} workers: {counts.Succeeded} succeeded, {counts.Failed} failed, {counts.Attempts} attempts, {counts.Interruptions} interruptions; {run.Warnings} engine warnings, {run.Errors.Count} worker errors; submit {run.SubmitSeconds:0.00} s; runner start → drained {Seconds(run.DrainedTicks - run.RunnerStartTicks):0.00} s"));
        var wall = Seconds(run.DrainedTicks - run.RunnerStartTicks);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  cpu: engine process {run.Cpu.SelfSeconds:0.00} s + job processes {run.Cpu.ChildrenSeconds:0.00} s over {wall:0.00} s wall ({(run.Cpu.SelfSeconds + run.Cpu.ChildrenSeconds) / wall:0.00} of {Environment.ProcessorCount} cores); per job {run.Cpu.SelfSeconds * 1000 / submitted:0.00} ms engine ({run.Cpu.SelfSystem * 1000 / submitted:0.00} of it in the kernel) + {run.Cpu.ChildrenSeconds * 1000 / submitted:0.00} ms job processes ({run.Cpu.ChildrenSystem * 1000 / submitted:0.00} kernel)"));
        if (!clean)
        {
            Console.WriteLine("  WARNING: the run was not clean (failures, retries or errors above); its timings include that.");
            foreach (var error in run.Errors.Take(5))
            {
                Console.WriteLine("    " + error);
            }
        }

        return new JsonObject
        {
            ["jobs"] = submitted,
            ["workers"] = run.Workers,
            ["succeeded"] = counts.Succeeded,
            ["failed"] = counts.Failed,
            ["attempts"] = counts.Attempts,
            ["interruptions"] = counts.Interruptions,
            ["engineWarnings"] = run.Warnings,
            ["workerErrors"] = run.Errors.Count,
            ["clean"] = clean,
            ["traced"] = run.Traced,
            ["submitSeconds"] = Math.Round(run.SubmitSeconds, 3),
            ["runnerStartToDrainedSeconds"] = Math.Round(wall, 3),
            ["cpuEngineSeconds"] = Math.Round(run.Cpu.SelfSeconds, 2),
            ["cpuJobProcessesSeconds"] = Math.Round(run.Cpu.ChildrenSeconds, 2),
            ["cpuEngineMsPerJob"] = Math.Round(run.Cpu.SelfSeconds * 1000 / submitted, 3),
            ["cpuEngineKernelMsPerJob"] = Math.Round(run.Cpu.SelfSystem * 1000 / submitted, 3),
            ["cpuJobProcessesKernelMsPerJob"] = Math.Round(run.Cpu.ChildrenSystem * 1000 / submitted, 3),
            ["cpuJobProcessesMsPerJob"] = Math.Round(run.Cpu.ChildrenSeconds * 1000 / submitted, 3),
        };
    }

    public static double Seconds(long ticks) => ticks / (double)TimeSpan.TicksPerSecond;
}

using System.Collections.Concurrent;
using Shoal.Core.Jobs;
using Shoal.Core.Workers;
using Spectre.Console;

namespace Shoal.Cli.Output;

/// <summary>Collects what the engine reports during a run, for the live display.</summary>
internal sealed class RunActivity : IEngineObserver
{
    private readonly ConcurrentQueue<string> recent = new();
    private readonly ConcurrentDictionary<string, WorkerPhase> phases = new();

    public IReadOnlyDictionary<string, WorkerPhase> Phases => phases;

    public IReadOnlyList<string> Recent => recent.ToArray();

    public void WorkerPhaseChanged(string workerId, WorkerPhase phase, string? detail)
    {
        if (phase == WorkerPhase.Terminated)
        {
            phases.TryRemove(workerId, out _);
            if (detail is "Reclaimed")
            {
                Add($"{workerId} reclaimed (simulated spot interruption)");
            }
        }
        else
        {
            phases[workerId] = phase;
        }
    }

    public void AttemptEnded(string workerId, JobRecord job, AttemptOutcome outcome, DateTimeOffset commandEndedAt) =>
        Add(outcome switch
        {
            AttemptOutcome.Succeeded => $"[green]✔[/] {Markup.Escape(job.JobId)} succeeded on {workerId}",
            AttemptOutcome.Retrying => $"[yellow]↻[/] {Markup.Escape(job.JobId)} failed attempt {job.Attempts} ({Markup.Escape(job.Reason ?? string.Empty)}); retrying",
            AttemptOutcome.Interrupted => $"[blue]⚡[/] {Markup.Escape(job.JobId)} interrupted on {workerId}; requeued, retry budget kept",
            _ => $"[red]✘[/] {Markup.Escape(job.JobId)} failed: {Markup.Escape(job.Reason ?? string.Empty)}",
        });

    public void JobRejected(string workerId, JobRecord job) => Add($"[red]✘[/] {Markup.Escape(job.JobId)} rejected: InvalidJob");

    private void Add(string line)
    {
        recent.Enqueue(line);
        while (recent.Count > 6 && recent.TryDequeue(out _))
        {
        }
    }
}

namespace Shoal.Api.V1Alpha1;

// The Worker's phase as `kubectl get workers` shows it; the engine's WorkerPhase, spelled for the API.
public static class WorkerPhases
{
    public const string Launching = "Launching";
    public const string WaitingForAgent = "WaitingForAgent";
    public const string Idle = "Idle";
    public const string Running = "Running";
    public const string Draining = "Draining";
    public const string Terminating = "Terminating";
    public const string Terminated = "Terminated";

    public static readonly IReadOnlyList<string> All = [Launching, WaitingForAgent, Idle, Running, Draining, Terminating, Terminated];
}

using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;
using Shoal.Operator.Observability;

namespace Shoal.Operator.Runtime;

// Only the replica holding the Lease runs the controllers, through KubernetesClient's LeaderElector over a
// coordination.k8s.io/v1 Lease. Losing the lease after leading ends the process (exit code 1) so Kubernetes
// restarts the pod: re-acquiring in-process would risk controllers from the old term still running next to
// the new leader's. On a graceful stop the lease is released, so the next replica takes over at once instead
// of waiting for it to expire.
public sealed class LeaderElection
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    private readonly ILock lease;
    private readonly LeaderElectionOptions options;
    private readonly ILogger logger;
    private readonly Action<int> exit;
    private readonly OperatorMetrics? metrics;
    private volatile bool leading;

    public LeaderElection(IKubernetes kube, LeaderElectionOptions options, ILogger logger, Action<int>? exit = null, OperatorMetrics? metrics = null)
        : this(NewLeaseLock(kube, options), options, logger, exit, metrics)
    {
    }

    internal LeaderElection(ILock lease, LeaderElectionOptions options, ILogger logger, Action<int>? exit, OperatorMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(logger);
        ThrowIfInvalid(options);
        this.lease = lease;
        this.options = options;
        this.logger = logger;
        this.exit = exit ?? ExitProcess;
        this.metrics = metrics;
    }

    // For /readyz and logs: true between winning the lease and losing (or releasing) it.
    public bool IsLeader => leading;

    // Runs whileLeading only while this replica leads. Returns when ct is cancelled (after whileLeading has
    // stopped and the lease is released). Losing the lease, or whileLeading failing or returning on its own
    // while leading, calls exit(1).
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        using var leadingCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var electorCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        Task? work = null;
        var everLed = false;

        elector.OnStartedLeading += () =>
        {
            everLed = true;
            leading = true;
            metrics?.SetLeader(true);
            logger.LogInformation("{Identity} now leads (Lease {Namespace}/{Lease}); starting the controllers", options.Identity, options.Namespace, options.LeaseName);
            work = Task.Run(() => LeadAsync(whileLeading, leadingCts.Token, electorCts), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            leading = false;
            metrics?.SetLeader(false);
        };
        elector.OnNewLeader += leader => logger.LogInformation("leader of Lease {Namespace}/{Lease} is {Leader}", options.Namespace, options.LeaseName, leader);
        elector.OnError += e => logger.LogWarning(e, "leader election: could not read or write {Lock}", lease.Describe());

        while (true)
        {
            try
            {
                await elector.RunUntilLeadershipLostAsync(electorCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (electorCts.IsCancellationRequested)
            {
            }
            catch (Exception e) when (!everLed)
            {
                // Before leading nothing is at stake: the API server may be briefly unreachable. Try again.
                logger.LogWarning(e, "leader election: could not take part (Lease {Namespace}/{Lease}); retrying in {Delay}", options.Namespace, options.LeaseName, options.RetryPeriod);
                try
                {
                    await Task.Delay(options.RetryPeriod, ct).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException)
                {
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "leader election failed while {Identity} leads", options.Identity);
            }

            break;
        }

        leading = false;
        metrics?.SetLeader(false);
        await leadingCts.CancelAsync().ConfigureAwait(false);
        if (work is not null)
        {
            await work.ConfigureAwait(false);
        }

        if (ct.IsCancellationRequested)
        {
            if (everLed)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }

            logger.LogInformation("{Identity} stopped taking part in leader election", options.Identity);
            return;
        }

        logger.LogCritical("{Identity} lost the Lease {Namespace}/{Lease}: exiting so that Kubernetes restarts the pod and no controller runs next to the new leader", options.Identity, options.Namespace, options.LeaseName);
        exit(1);
    }

    private async Task LeadAsync(Func<CancellationToken, Task> whileLeading, CancellationToken leadingToken, CancellationTokenSource electorCts)
    {
        try
        {
            await whileLeading(leadingToken).ConfigureAwait(false);
            if (!leadingToken.IsCancellationRequested)
            {
                logger.LogCritical("the controllers stopped on their own while {Identity} leads; giving up leadership", options.Identity);
            }
        }
        catch (OperationCanceledException) when (leadingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "the controllers failed while {Identity} leads; giving up leadership", options.Identity);
        }

        // Stop renewing: RunAsync then sees leadership end without a shutdown and exits the process.
        await electorCts.CancelAsync().ConfigureAwait(false);
    }

    // client-go's ReleaseOnCancel: an empty holder lets any candidate take the lease on its next try.
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout);
        try
        {
            var current = await lease.GetAsync(timeout.Token).ConfigureAwait(false);
            if (current?.HolderIdentity != options.Identity)
            {
                return;
            }

            var released = await lease.UpdateAsync(
                new LeaderElectionRecord
                {
                    HolderIdentity = "",
                    LeaseDurationSeconds = 1,
                    AcquireTime = current.AcquireTime,
                    RenewTime = DateTime.UtcNow,
                    LeaderTransitions = current.LeaderTransitions,
                },
                timeout.Token).ConfigureAwait(false);
            if (released)
            {
                logger.LogInformation("{Identity} released the Lease {Namespace}/{Lease}", options.Identity, options.Namespace, options.LeaseName);
            }
        }
        catch (Exception e)
        {
            // It expires on its own after LeaseDuration; releasing only makes the hand-over faster.
            logger.LogWarning(e, "could not release the Lease {Namespace}/{Lease}; it expires in {Duration}", options.Namespace, options.LeaseName, options.LeaseDuration);
        }
    }

    private static LeaseLock NewLeaseLock(IKubernetes kube, LeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(kube);
        ThrowIfInvalid(options);
        return new LeaseLock(kube, options.Namespace, options.LeaseName, options.Identity);
    }

    private static void ThrowIfInvalid(LeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid leader election options: " + string.Join("; ", problems), nameof(options));
        }
    }

    // On its own thread: Environment.Exit waits for the host to stop, and the host waits for the service
    // that called this; exiting from that service's own call would stall the shutdown until its timeout.
    private static void ExitProcess(int code) => new Thread(() => Environment.Exit(code)) { IsBackground = true, Name = "shoal-exit" }.Start();
}

using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Shoal.Api.V1Alpha1;

namespace Shoal.Operator.Runtime;

// core/v1 Events through KubernetesClient's typed API. A reconcile that fails the same way every few seconds
// must not flood etcd with Event objects, so repeats of the same (object, type, reason, message) within the
// aggregation window bump count and lastTimestamp of the existing Event with a merge patch, as client-go's
// correlator does. Failures are logged, never thrown.
public sealed class KubeEventRecorder : IEventRecorder
{
    public const string Component = "shoal-operator";

    // Bounds the memory of the aggregation cache; entries past the window are dropped first.
    private const int MaxCached = 4096;
    private const int MaxMessage = 1024;

    private readonly IKubernetes kube;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string instance;
    private readonly Lock gate = new();
    private readonly Dictionary<(string Object, string Type, string Reason, string Message), Seen> seen = [];
    private long lastStamp;

    public KubeEventRecorder(IKubernetes kube, TimeProvider time, ILogger logger, string? instance = null)
    {
        ArgumentNullException.ThrowIfNull(kube);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.kube = kube;
        this.time = time;
        this.logger = logger;
        this.instance = string.IsNullOrEmpty(instance) ? Environment.MachineName : instance;
    }

    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromMinutes(10);

    // Arguments are checked (a wrong type or an empty reason is a bug in the caller, not an API failure).
    public async Task RecordAsync(IResource about, string type, string reason, string message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(about);
        if (type is not (EventTypes.Normal or EventTypes.Warning))
        {
            throw new ArgumentException($"event type must be {EventTypes.Normal} or {EventTypes.Warning}, not '{type}'", nameof(type));
        }

        ArgumentException.ThrowIfNullOrEmpty(reason);
        message = Truncate(message ?? "", MaxMessage);
        try
        {
            await RecordCoreAsync(about, type, reason, message, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "could not record {Type} event {Reason} on {Kind} {Key}: {Message}", type, reason, about.Kind, ResourceKeys.Of(about), message);
        }
    }

    private async Task RecordCoreAsync(IResource about, string type, string reason, string message, CancellationToken ct)
    {
        var ns = string.IsNullOrEmpty(about.Metadata.Namespace) ? "default" : about.Metadata.Namespace;
        var objectId = about.Metadata.Uid ?? $"{about.Kind}/{ns}/{about.Metadata.Name}";
        var key = (objectId, type, reason, message);
        var now = time.GetUtcNow();
        Seen? repeat = null;
        lock (gate)
        {
            if (seen.TryGetValue(key, out var entry) && now - entry.Last <= AggregationWindow)
            {
                repeat = entry with { Count = entry.Count + 1, Last = now };
                seen[key] = repeat;
            }
        }

        if (repeat is not null)
        {
            var patch = new Dictionary<string, object>
            {
                ["count"] = repeat.Count,
                ["lastTimestamp"] = Rfc3339(now),
            };
            try
            {
                await kube.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), repeat.Name, ns, cancellationToken: ct).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // The server's event TTL (1 h by default) removed it: start a new one below.
            }
        }

        var name = NewName(about.Metadata.Name, now);
        var created = new Seen(name, 1, now);
        lock (gate)
        {
            Prune(now);
            seen[key] = created;
        }

        try
        {
            await kube.CoreV1.CreateNamespacedEventAsync(NewEvent(about, ns, name, type, reason, message, now), ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch
        {
            lock (gate)
            {
                if (seen.TryGetValue(key, out var current) && current.Name == name)
                {
                    seen.Remove(key);
                }
            }

            throw;
        }
    }

    private Corev1Event NewEvent(IResource about, string ns, string name, string type, string reason, string message, DateTimeOffset now) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference
        {
            ApiVersion = about.ApiVersion,
            Kind = about.Kind,
            Name = about.Metadata.Name,
            NamespaceProperty = about.Metadata.Namespace,
            Uid = about.Metadata.Uid,
            ResourceVersion = about.Metadata.ResourceVersion,
        },
        Type = type,
        Reason = reason,
        Message = message,
        Count = 1,
        FirstTimestamp = now.UtcDateTime,
        LastTimestamp = now.UtcDateTime,
        Source = new V1EventSource { Component = Component, Host = instance },
        ReportingComponent = Component,
        ReportingInstance = instance,
    };

    // <object>.<hex>, as client-go names them; the stamp only grows, so two events in one tick differ.
    private string NewName(string objectName, DateTimeOffset now)
    {
        long stamp;
        lock (gate)
        {
            stamp = Math.Max((now - DateTimeOffset.UnixEpoch).Ticks * 100, lastStamp + 1);
            lastStamp = stamp;
        }

        return $"{Truncate(objectName, 230)}.{stamp:x}";
    }

    private void Prune(DateTimeOffset now)
    {
        if (seen.Count < MaxCached)
        {
            return;
        }

        foreach (var stale in seen.Where(e => now - e.Value.Last > AggregationWindow).Select(e => e.Key).ToList())
        {
            seen.Remove(stale);
        }

        if (seen.Count >= MaxCached)
        {
            foreach (var oldest in seen.OrderBy(e => e.Value.Last).Take(seen.Count - (MaxCached / 2)).Select(e => e.Key).ToList())
            {
                seen.Remove(oldest);
            }
        }
    }

    private static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private sealed record Seen(string Name, int Count, DateTimeOffset Last);
}

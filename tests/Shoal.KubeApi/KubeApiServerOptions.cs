namespace Shoal.KubeApi;

public sealed class KubeApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Clock for creation timestamps, table ages, bookmarks and watch timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often a watch that asked for bookmarks gets one (the real server: about once a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Changes kept for watch replay; a watch from an older resourceVersion gets 410 Gone.</summary>
    public int WatchHistoryLimit { get; init; } = 5000;

    /// <summary>Namespaces that exist from the start.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>Called with one line per answered request (the standalone server prints them with --verbose).</summary>
    public Action<string>? RequestLog { get; init; }
}

namespace Shoal.Core.Workers;

public sealed class NullEngineObserver : IEngineObserver
{
    public static NullEngineObserver Instance { get; } = new();
}

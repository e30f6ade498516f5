using System.Threading.Channels;
using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

// One open watch: the test writes events, then ends it normally (End) or with an error (Fail).
internal sealed class FakeWatch(string fromVersion)
{
    public string FromVersion { get; } = fromVersion;

    public Channel<ResourceEvent<Worker>> Events { get; } = Channel.CreateUnbounded<ResourceEvent<Worker>>();

    public void Send(WatchEventType type, Worker w) => Events.Writer.TryWrite(new ResourceEvent<Worker>(type, w));

    public void Bookmark(string resourceVersion) =>
        Send(WatchEventType.Bookmark, new Worker { Metadata = new ObjectMeta { ResourceVersion = resourceVersion } });

    public void End() => Events.Writer.TryComplete();

    public void Fail(Exception e) => Events.Writer.TryComplete(e);
}

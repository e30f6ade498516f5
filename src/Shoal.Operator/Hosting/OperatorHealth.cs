namespace Shoal.Operator.Hosting;

// What /readyz answers: a standby replica is ready once it reaches the API; the leader once its caches synced.
internal sealed class OperatorHealth
{
    private volatile bool leading;
    private volatile bool synced;

    public bool Leading { get => leading; set => leading = value; }

    public bool Synced { get => synced; set => synced = value; }

    public bool Ready => !Leading || Synced;
}

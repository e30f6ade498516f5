using Shoal.Aws.Tests.Moto;
using Shoal.IntegrationTests.Operator;
using Testcontainers.K3s;

namespace Shoal.E2ETests;

/// <summary>
/// One scenario's world on a real cluster: a fresh k3s container (Kubernetes and nothing of ours inside it),
/// moto and the SSM double on this host, and the IntegrationTests rig pointed at k3s's kubeconfig. The
/// operator and kubectl run here too and reach the API server through the container's mapped port.
/// </summary>
internal sealed class K3sWorld : IAsyncDisposable
{
    // The CRDs use CEL rules with reason and fieldPath, which need Kubernetes 1.28 or later: the module's
    // default (1.26) would refuse them under kubectl's strict field validation.
    public const string DefaultImage = "rancher/k3s:v1.32.3-k3s1";

    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(5);

    private readonly MotoServer moto;
    private readonly K3sContainer k3s;

    private K3sWorld(MotoServer moto, K3sContainer k3s, OperatorRig rig)
    {
        this.moto = moto;
        this.k3s = k3s;
        Rig = rig;
    }

    public OperatorRig Rig { get; }

    public static string Image => Environment.GetEnvironmentVariable("SHOAL_E2E_K3S_IMAGE") is { Length: > 0 } image ? image : DefaultImage;

    public static async Task<K3sWorld> StartAsync()
    {
        var moto = new MotoServer();
        var k3s = new K3sBuilder(Image).Build();
        try
        {
            // The first run pulls the image; k3s itself is ready in 20-40 s. Start moto meanwhile.
            using var deadline = new CancellationTokenSource(StartLimit);
            await Task.WhenAll(moto.InitializeAsync(), k3s.StartAsync(deadline.Token));

            var kubeconfig = Path.Combine(Path.GetTempPath(), $"shoal-k3s-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(kubeconfig, await k3s.GetKubeconfigAsync());
            try
            {
                return new K3sWorld(moto, k3s, await OperatorRig.StartAsync(moto, kubeconfig));
            }
            finally
            {
                File.Delete(kubeconfig);
            }
        }
        catch (OperationCanceledException e)
        {
            await k3s.DisposeAsync();
            await moto.DisposeAsync();
            throw new TimeoutException($"k3s ({Image}) did not start within {StartLimit.TotalMinutes:0} min: check that Docker can pull the image and run privileged containers", e);
        }
        catch
        {
            await k3s.DisposeAsync();
            await moto.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The rig first: its operators are stopped before the cluster they talk to goes away.
        await Rig.DisposeAsync();
        await k3s.DisposeAsync();
        await moto.DisposeAsync();
    }
}

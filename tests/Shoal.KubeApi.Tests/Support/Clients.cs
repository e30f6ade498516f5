using k8s;

namespace Shoal.KubeApi.Tests.Support;

public static class Clients
{
    public const string Group = "testing.shoal.dev";
    public const string Version = "v1";
    public const string Plural = "gadgets";

    /// <summary>A KubernetesClient for the emulator, configured the way kubeconfig loading would (plain http, a token).</summary>
    public static Kubernetes For(KubeApiServer server)
        => new(new KubernetesClientConfiguration { Host = server.BaseAddress.ToString(), AccessToken = "test-token" });

    public static Gadget NewGadget(string name, int size = 1, string mode = "fast") => new()
    {
        Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new GadgetSpec { Size = size, Mode = mode },
    };
}

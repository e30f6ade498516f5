namespace Shoal.KubeApi.Patching;

/// <summary>A patch that cannot be applied; answered as 422 like the real server does.</summary>
internal sealed class PatchException(string message) : Exception(message);

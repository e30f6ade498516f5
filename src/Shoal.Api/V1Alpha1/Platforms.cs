namespace Shoal.Api.V1Alpha1;

public static class Platforms
{
    public const string Linux = "linux";
    public const string Windows = "windows";

    public static IReadOnlyList<string> All { get; } = [Linux, Windows];
}

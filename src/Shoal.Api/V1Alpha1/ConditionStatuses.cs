namespace Shoal.Api.V1Alpha1;

public static class ConditionStatuses
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    public static IReadOnlyList<string> All { get; } = [True, False, Unknown];
}

namespace Shoal.Operator.Runtime;

public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}

namespace Shoal.Operator;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("shoal-operator: not built yet");
        return args.Length == 0 ? 1 : 1;
    }
}

namespace Shoal.Operator;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["generate-crds", .. var dirs]) return Crds.CrdWriter.Run(dirs);
        Console.Error.WriteLine("shoal-operator: not built yet");
        return args.Length == 0 ? 1 : 1;
    }
}

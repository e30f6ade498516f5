using Shoal.Operator.Crds;
using Shoal.Operator.Hosting;

namespace Shoal.Operator;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Developer command: regenerate the CRD YAML from the Shoal.Api types (scripts/generate-crds.sh).
        if (args is ["generate-crds", .. var dirs])
        {
            return CrdWriter.Run(dirs);
        }

        try
        {
            return await OperatorHost.RunAsync(args);
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync($"shoal-operator: {e.Message}");
            return 2;
        }
    }
}

using Shoal.Aws.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Shoal.Cli;

/// <summary>Exit codes: 2 for what the user can fix (with the fix in the message), 1 for our own failures.</summary>
internal static class CliErrors
{
    public static int Report(IAnsiConsole console, Exception exception)
    {
        switch (exception)
        {
            case OperationCanceledException:
                Console.Error.WriteLine("shoal: stopped; unfinished jobs resume on the next `shoal run` with the same --state-dir");
                return 130;
            case UserException or AwsSetupException or CommandParseException or CommandRuntimeException:
                Console.Error.WriteLine($"shoal: {exception.Message}");
                return 2;
            default:
                Console.Error.WriteLine($"shoal: internal error: {exception.GetType().Name}: {exception.Message}");
                Console.Error.WriteLine(exception.StackTrace);
                Console.Error.WriteLine("This is a bug in Shoal: please report it with the command you ran. Your jobs are safe in the state directory.");
                return 1;
        }
    }
}

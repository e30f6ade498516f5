using Microsoft.Extensions.Logging;
using Shoal.Cli;
using Shoal.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

using var loggers = LoggerFactory.Create(builder => builder
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddFilter((_, level) => level >= CliLogging.MinimumLevel()));
var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Piped into a file or grep: no terminal to fit, so do not squeeze tables into 80 columns.
    console.Profile.Width = 200;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("shoal");
    config.Settings.Registrar.RegisterInstance(console);
    config.Settings.Registrar.RegisterInstance(loggers);
    config.SetExceptionHandler((exception, _) => CliErrors.Report(console, exception));
    config.AddCommand<RunCommand>("run")
        .WithDescription("Run jobs on local workers until the queue is drained (the bundled example when there is nothing else to do).")
        .WithExample("run")
        .WithExample("run", "--jobs", "jobs.jsonl", "--workers", "8")
        .WithExample("run", "--manifests", "config/samples/local", "--json");
    config.AddCommand<SubmitCommand>("submit").WithDescription("Add jobs to a state directory's queue.").WithExample("submit", "--state-dir", ".shoal", "more.jsonl");
    config.AddCommand<JobsCommand>("jobs").WithDescription("List jobs.").WithExample("jobs", "--status", "FAILED");
    config.AddCommand<JobCommand>("job").WithDescription("Show one job: status, attempts, history, output.").WithExample("job", "hello-world");
});

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops cleanly (unfinished jobs resume next run); a second one kills at once.
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};

try
{
    return await app.RunAsync(args, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("shoal: stopped; unfinished jobs resume on the next `shoal run` with the same --state-dir");
    return 130;
}

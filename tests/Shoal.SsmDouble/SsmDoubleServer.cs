using System.Net;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Shoal.SsmDouble.Http;
using Shoal.SsmDouble.Model;
using Shoal.SsmDouble.Upstream;

namespace Shoal.SsmDouble;

/// <summary>
/// SSM Run Command on the wire, on 127.0.0.1: point AWS_ENDPOINT_URL_SSM at <see cref="BaseAddress"/>
/// and everything else at the upstream (moto). Its state lives as long as it does, so an operator can
/// be stopped and started against it while its commands keep "running".
/// </summary>
public sealed class SsmDoubleServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CommandBook book;
    private readonly IDisposable[] owned;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task sweeper;
    private readonly SsmDoubleOptions options;
    private readonly ILogger logger;

    private SsmDoubleServer(WebApplication app, Uri baseAddress, CommandBook book, SsmDoubleOptions options, ILogger logger, IDisposable[] owned)
    {
        this.app = app;
        this.book = book;
        this.options = options;
        this.logger = logger;
        this.owned = owned;
        BaseAddress = baseAddress;
        sweeper = SweepAsync(stopping.Token);
    }

    public Uri BaseAddress { get; }

    /// <summary>Every invocation so far, in the order sent, as of now.</summary>
    public IReadOnlyList<SsmDoubleCommand> Commands
    {
        get
        {
            var now = options.Time.GetUtcNow();
            return [.. book.All().Select(i => Snapshot(i, now))];
        }
    }

    public static async Task<SsmDoubleServer> StartAsync(SsmDoubleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (options.LogToConsole)
        {
            builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss.fff "));
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is for the ready line
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }

        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shoal.SsmDouble");

        // moto ignores credentials; fixed ones keep the SDK from searching the machine for a profile.
        var credentials = new BasicAWSCredentials("testing", "testing");
        var upstream = options.Upstream.ToString();
        var ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config { ServiceURL = upstream, AuthenticationRegion = options.Region });
        var s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = upstream, AuthenticationRegion = options.Region, ForcePathStyle = true });
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = TimeSpan.FromMinutes(5), // a long poll (SQS WaitTimeSeconds) passes through here
        };

        var instances = new InstanceRegistry(ec2, options.Time, options.AgentRegistrationDelay);
        var uploader = new OutputUploader(s3, options.Region, logger);
        var book = new CommandBook(options, instances, uploader, logger);
        var endpoint = new SsmEndpoint(new SsmOperations(options, book, instances, uploader, logger), new UpstreamProxy(http, options.Upstream), logger);
        app.Run(endpoint.HandleAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            ec2.Dispose();
            s3.Dispose();
            http.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without an address");
        return new SsmDoubleServer(app, new Uri(address), book, options, logger, [ec2, s3, http]);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await sweeper;
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        stopping.Dispose();
    }

    private static SsmDoubleCommand Snapshot(Invocation invocation, DateTimeOffset now)
    {
        var state = invocation.StateAt(now);
        return new SsmDoubleCommand
        {
            CommandId = invocation.CommandId,
            InstanceId = invocation.InstanceId,
            DocumentName = invocation.DocumentName,
            Comment = invocation.Comment,
            Commands = invocation.Commands,
            Status = state.Status,
            StatusDetails = state.StatusDetails,
            ResponseCode = state.ResponseCode,
            SentAt = invocation.SentAt,
            Started = state.Started,
            Ended = state.Ended,
            StandardOutput = state.Stdout,
        };
    }

    /// <summary>While nobody polls (the operator is down), instances still die and outputs still get uploaded.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(options.InstanceCheckInterval, options.Time, cancellationToken);
            try
            {
                await book.SweepAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Periodic check failed (will retry): {Message}", e.Message);
            }
        }
    }
}

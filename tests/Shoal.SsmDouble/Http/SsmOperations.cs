using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Shoal.SsmDouble.Model;
using Shoal.SsmDouble.Scripts;
using Shoal.SsmDouble.Upstream;

namespace Shoal.SsmDouble.Http;

/// <summary>
/// The Run Command operations the double serves itself, with the request checks SSM makes that
/// Shoal's adapter could get wrong (document, parameters, comment length, timeouts, unknown ids).
/// Everything else is proxied to the upstream.
/// </summary>
internal sealed class SsmOperations(SsmDoubleOptions options, CommandBook book, InstanceRegistry instances, OutputUploader uploader, ILogger logger)
{
    /// <summary>GetCommandInvocation returns at most this much of stdout inline.</summary>
    public const int InlineOutputLimit = 24_000;

    private static readonly string[] Documents = ["AWS-RunShellScript", "AWS-RunPowerShellScript"];
    private static readonly string[] DocumentParameters = ["commands", "workingDirectory", "executionTimeout"];

    public IReadOnlyDictionary<string, Func<JsonObject, CancellationToken, Task<JsonObject>>> Handlers => new Dictionary<string, Func<JsonObject, CancellationToken, Task<JsonObject>>>(StringComparer.Ordinal)
    {
        ["SendCommand"] = SendCommandAsync,
        ["GetCommandInvocation"] = GetCommandInvocationAsync,
        ["CancelCommand"] = CancelCommandAsync,
        ["ListCommandInvocations"] = ListCommandInvocationsAsync,
        ["ListCommands"] = ListCommandsAsync,
    };

    public async Task<JsonObject> SendCommandAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var document = SsmJson.RequiredString(request, "DocumentName");
        if (request["Targets"] is JsonArray { Count: > 0 })
        {
            throw new SsmFault("InvalidParameters", "The SSM double sends to InstanceIds only, not Targets (Shoal sends one command to one instance)");
        }

        var instanceIds = SsmJson.StringList(request, "InstanceIds");
        if (instanceIds.Count == 0)
        {
            throw new SsmFault("ValidationException", "SendCommand needs InstanceIds (or Targets, which the SSM double does not support)");
        }

        if (instanceIds.Distinct(StringComparer.Ordinal).Count() != instanceIds.Count)
        {
            throw new SsmFault("DuplicateInstanceId", "Instance Id list contains duplicates");
        }

        if (!Documents.Contains(document, StringComparer.Ordinal))
        {
            throw new SsmFault("InvalidDocument", $"Document with name {document} does not exist. (The SSM double runs only {string.Join(" and ", Documents)}.)");
        }

        var parameters = SsmJson.Parameters(request);
        if (parameters.Keys.FirstOrDefault(k => !DocumentParameters.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            throw new SsmFault("InvalidParameters", $"Parameter \"{unknown}\" is not defined in the document {document}; it takes {string.Join(", ", DocumentParameters)}");
        }

        if (!parameters.TryGetValue("commands", out var commands) || commands.Count == 0)
        {
            throw new SsmFault("InvalidParameters", $"Parameter \"commands\" is required by the document {document}");
        }

        var executionTimeout = ExecutionTimeout(parameters);
        var comment = SsmJson.String(request, "Comment") ?? "";
        if (comment.Length > 100)
        {
            throw new SsmFault("ValidationException", $"1 validation error detected: Value '{comment}' at 'comment' failed to satisfy constraint: Member must have length less than or equal to 100");
        }

        var deliveryTimeout = SsmJson.Int(request, "TimeoutSeconds") ?? 3600;
        if (deliveryTimeout is < 30 or > 2_592_000)
        {
            throw new SsmFault("ValidationException", $"1 validation error detected: Value '{deliveryTimeout}' at 'timeoutSeconds' failed to satisfy constraint: Member must have value between 30 and 2592000");
        }

        var bucket = SsmJson.String(request, "OutputS3BucketName") is { Length: > 0 } b ? b : null;
        var prefix = SsmJson.String(request, "OutputS3KeyPrefix") is { Length: > 0 } p ? p : null;

        await instances.EnsureManagedAsync(instanceIds, cancellationToken);

        var commandId = Guid.NewGuid().ToString();
        var now = options.Time.GetUtcNow();
        var plan = ShellScript.Plan(commands);
        var invocations = instanceIds.Select(id => new Invocation
        {
            CommandId = commandId,
            InstanceId = id,
            DocumentName = document,
            Comment = comment,
            Commands = commands,
            Parameters = parameters,
            Plan = plan,
            SentAt = now,
            DeliveredAt = now + options.DeliveryDelay,
            ExecutionTimeout = executionTimeout,
            DeliveryTimeout = TimeSpan.FromSeconds(deliveryTimeout),
            OutputBucket = bucket,
            OutputKeyPrefix = prefix,
        }).ToList();
        book.Add(invocations);
        logger.LogInformation("SendCommand {CommandId} to {Instances}: runs {Duration} s, exits {ExitCode}",
            commandId, string.Join(",", instanceIds), plan.Duration.TotalSeconds, plan.ExitCode);

        return new JsonObject { ["Command"] = CommandJson(invocations, now) };
    }

    public async Task<JsonObject> GetCommandInvocationAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var commandId = SsmJson.RequiredString(request, "CommandId");
        var instanceId = SsmJson.RequiredString(request, "InstanceId");
        var plugin = SsmJson.String(request, "PluginName");
        var invocation = Visible(book.Find(commandId, instanceId)) ?? throw new SsmFault("InvocationDoesNotExist", "");
        var pluginName = PluginName(invocation);
        if (plugin is { Length: > 0 } && plugin != pluginName)
        {
            throw new SsmFault("InvalidPluginName", $"The plugin name {plugin} is not valid for this invocation; it ran {pluginName}");
        }

        var state = await book.ObserveAsync(invocation, cancellationToken);
        return new JsonObject
        {
            ["CommandId"] = invocation.CommandId,
            ["InstanceId"] = invocation.InstanceId,
            ["Comment"] = invocation.Comment,
            ["DocumentName"] = invocation.DocumentName,
            ["DocumentVersion"] = "1",
            ["PluginName"] = pluginName,
            ["ResponseCode"] = state.ResponseCode,
            ["ExecutionStartDateTime"] = SsmJson.DateText(state.Started),
            ["ExecutionElapsedTime"] = SsmJson.ElapsedText(state.Started, state.Ended),
            ["ExecutionEndDateTime"] = SsmJson.DateText(state.Ended),
            ["Status"] = state.Status,
            ["StatusDetails"] = state.StatusDetails,
            ["StandardOutputContent"] = Inline(state.Stdout),
            ["StandardOutputUrl"] = OutputUrl(invocation, state, "stdout"),
            ["StandardErrorContent"] = "",
            ["StandardErrorUrl"] = "",
            ["CloudWatchOutputConfig"] = new JsonObject { ["CloudWatchLogGroupName"] = "", ["CloudWatchOutputEnabled"] = false },
        };
    }

    public Task<JsonObject> CancelCommandAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var commandId = SsmJson.RequiredString(request, "CommandId");
        var invocations = book.OfCommand(commandId);
        if (invocations.Count == 0)
        {
            throw new SsmFault("InvalidCommandId", $"Command {commandId} does not exist");
        }

        var instanceIds = SsmJson.StringList(request, "InstanceIds");
        if (instanceIds.FirstOrDefault(id => invocations.All(i => i.InstanceId != id)) is { } stranger)
        {
            throw new SsmFault("InvalidInstanceId", $"Instance {stranger} is not a target of command {commandId}");
        }

        var now = options.Time.GetUtcNow();
        foreach (var invocation in invocations.Where(i => instanceIds.Count == 0 || instanceIds.Contains(i.InstanceId)))
        {
            invocation.Cancel(now);
        }

        logger.LogInformation("CancelCommand {CommandId}", commandId);
        return Task.FromResult(new JsonObject());
    }

    public async Task<JsonObject> ListCommandInvocationsAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var details = SsmJson.Bool(request, "Details");
        var listed = new JsonArray();
        foreach (var invocation in Matching(request))
        {
            var state = await book.ObserveAsync(invocation, cancellationToken);
            var item = new JsonObject
            {
                ["CommandId"] = invocation.CommandId,
                ["InstanceId"] = invocation.InstanceId,
                ["InstanceName"] = "",
                ["Comment"] = invocation.Comment,
                ["DocumentName"] = invocation.DocumentName,
                ["DocumentVersion"] = "1",
                ["RequestedDateTime"] = SsmJson.Timestamp(invocation.SentAt),
                ["Status"] = state.Status,
                ["StatusDetails"] = state.StatusDetails,
                ["StandardOutputUrl"] = OutputUrl(invocation, state, "stdout"),
                ["StandardErrorUrl"] = "",
            };
            if (details)
            {
                var plugin = new JsonObject
                {
                    ["Name"] = PluginName(invocation),
                    ["Status"] = state.Status,
                    ["StatusDetails"] = state.StatusDetails,
                    ["ResponseCode"] = state.ResponseCode,
                    ["Output"] = Inline(state.Stdout, 2500),
                    ["StandardOutputUrl"] = OutputUrl(invocation, state, "stdout"),
                    ["OutputS3BucketName"] = invocation.OutputBucket ?? "",
                    ["OutputS3KeyPrefix"] = invocation.OutputKeyPrefix ?? "",
                };
                if (state.Started is { } started)
                {
                    plugin["ResponseStartDateTime"] = SsmJson.Timestamp(started);
                }

                if (state.Ended is { } ended)
                {
                    plugin["ResponseFinishDateTime"] = SsmJson.Timestamp(ended);
                }

                item["CommandPlugins"] = new JsonArray(plugin);
            }

            listed.Add(item);
        }

        return new JsonObject { ["CommandInvocations"] = listed };
    }

    public async Task<JsonObject> ListCommandsAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var listed = new JsonArray();
        foreach (var command in Matching(request).GroupBy(i => i.CommandId, StringComparer.Ordinal))
        {
            var invocations = command.ToList();
            foreach (var invocation in invocations)
            {
                await book.ObserveAsync(invocation, cancellationToken);
            }

            listed.Add(CommandJson(invocations, options.Time.GetUtcNow()));
        }

        return new JsonObject { ["Commands"] = listed };
    }

    private static TimeSpan ExecutionTimeout(Dictionary<string, IReadOnlyList<string>> parameters)
    {
        if (!parameters.TryGetValue("executionTimeout", out var values) || values.Count == 0)
        {
            return TimeSpan.FromSeconds(3600); // the documents' default
        }

        return values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 172_800
            ? TimeSpan.FromSeconds(seconds)
            : throw new SsmFault("InvalidParameters", $"Parameter \"executionTimeout\" is [{string.Join(", ", values)}]; it must be one whole number of seconds from 1 to 172800");
    }

    private static string PluginName(Invocation invocation) =>
        invocation.DocumentName == "AWS-RunPowerShellScript" ? "aws:runPowerShellScript" : "aws:runShellScript";

    private static string Inline(string stdout, int limit = InlineOutputLimit) => stdout.Length <= limit ? stdout : stdout[..limit];

    private Invocation? Visible(Invocation? invocation) =>
        invocation is not null && options.Time.GetUtcNow() - invocation.SentAt >= options.InvocationVisibilityLag ? invocation : null;

    private IEnumerable<Invocation> Matching(JsonObject request)
    {
        var commandId = SsmJson.String(request, "CommandId");
        var instanceId = SsmJson.String(request, "InstanceId");
        return book.All().Where(i => (commandId is null || i.CommandId == commandId) && (instanceId is null || i.InstanceId == instanceId));
    }

    private string OutputUrl(Invocation invocation, InvocationState state, string stream) =>
        state.IsTerminal && invocation.OutputBucket is { } bucket && stream == "stdout" && state.Stdout.Length > 0
            ? uploader.Url(bucket, OutputUploader.StdoutKey(invocation.OutputKeyPrefix, invocation.CommandId, invocation.InstanceId, invocation.DocumentName))
            : "";

    /// <summary>The command-level view: its invocations' statuses rolled up, as ListCommands and SendCommand report them.</summary>
    private JsonObject CommandJson(IReadOnlyList<Invocation> invocations, DateTimeOffset now)
    {
        var first = invocations[0];
        var states = invocations.Select(i => i.StateAt(now)).ToList();
        var status = states.All(s => s.IsTerminal)
            ? states.FirstOrDefault(s => s.Status != "Success")?.Status ?? "Success"
            : states.Any(s => s.Status == "Cancelling") ? "Cancelling"
            : states.Any(s => s.Status != "Pending") ? "InProgress" : "Pending";
        var parameters = new JsonObject();
        foreach (var (name, values) in first.Parameters)
        {
            parameters[name] = SsmJson.Array(values);
        }

        return new JsonObject
        {
            ["CommandId"] = first.CommandId,
            ["DocumentName"] = first.DocumentName,
            ["DocumentVersion"] = "1",
            ["Comment"] = first.Comment,
            ["ExpiresAfter"] = SsmJson.Timestamp(first.SentAt + first.DeliveryTimeout + first.ExecutionTimeout),
            ["Parameters"] = parameters,
            ["InstanceIds"] = SsmJson.Array(invocations.Select(i => i.InstanceId)),
            ["Targets"] = new JsonArray(),
            ["RequestedDateTime"] = SsmJson.Timestamp(first.SentAt),
            ["Status"] = status,
            ["StatusDetails"] = status,
            ["OutputS3Region"] = options.Region,
            ["OutputS3BucketName"] = first.OutputBucket ?? "",
            ["OutputS3KeyPrefix"] = first.OutputKeyPrefix ?? "",
            ["MaxConcurrency"] = "50",
            ["MaxErrors"] = "0",
            ["TargetCount"] = invocations.Count,
            ["CompletedCount"] = states.Count(s => s.IsTerminal),
            ["ErrorCount"] = states.Count(s => s.IsTerminal && s.Status is "Failed" or "TimedOut"),
            ["DeliveryTimedOutCount"] = states.Count(s => s.StatusDetails == "DeliveryTimedOut"),
            ["ServiceRole"] = "",
            ["TimeoutSeconds"] = (int)first.DeliveryTimeout.TotalSeconds,
            ["CloudWatchOutputConfig"] = new JsonObject { ["CloudWatchLogGroupName"] = "", ["CloudWatchOutputEnabled"] = false },
        };
    }
}

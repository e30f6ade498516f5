using System.Text;
using Microsoft.Extensions.Logging;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Fleet;

/// <summary>
/// Turns "N workers for this pool" into CreateFleet calls of type instant: one launch template per pool,
/// overrides across instance types × subnets minus the offerings known to be empty, at most
/// <see cref="MaxOverridesPerCall"/> per call, capacity errors remembered, the shortfall retried once
/// elsewhere and, when the pool allows it, filled on-demand.
/// </summary>
internal sealed class FleetLauncher
{
    /// <summary>Like Karpenter's limit: larger override lists make slow calls and huge answers.</summary>
    public const int MaxOverridesPerCall = 60;

    private readonly Ec2PoolOptions options;
    private readonly IEc2Api ec2;
    private readonly ISsmParameterApi? ssm;
    private readonly UnavailableOfferings unavailable;
    private readonly AwsRetry retry;
    private readonly TimeProvider time;
    private readonly Ec2FleetTuning tuning;
    private readonly ILogger logger;
    private readonly SemaphoreSlim templateGate = new(1, 1);
    private readonly Ec2LaunchTemplateSpec templateSpec;
    private string? templateId;
    // Read and replaced whole by concurrent batches, hence references rather than tuples.
    private Cached<IReadOnlyList<Ec2Subnet>>? subnets;
    private Cached<string>? image;

    public FleetLauncher(Ec2PoolOptions options, IEc2Api ec2, ISsmParameterApi? ssm, UnavailableOfferings unavailable, AwsRetry retry, TimeProvider time, Ec2FleetTuning tuning, ILogger logger)
    {
        this.options = options;
        this.ec2 = ec2;
        this.ssm = ssm;
        this.unavailable = unavailable;
        this.retry = retry;
        this.time = time;
        this.tuning = tuning;
        this.logger = logger;
        PoolTags = BuildPoolTags(options);
        templateSpec = BuildTemplateSpec(options, PoolTags);
    }

    /// <summary>Every instance of the pool carries these (through the launch template).</summary>
    public IReadOnlyDictionary<string, string> PoolTags { get; }

    public string LaunchTemplateName => templateSpec.Name;

    /// <summary>What was launched; fewer than asked when capacity ran out. Throws only when nothing launched for a reason a person must fix.</summary>
    public async Task<IReadOnlyList<Ec2FleetInstance>> LaunchAsync(int count, string token, CancellationToken cancellationToken)
    {
        try
        {
            var run = new Run(token, await EnsureLaunchTemplateAsync(cancellationToken), await ResolveSubnetsAsync(cancellationToken), await ResolveImageAsync(cancellationToken));
            var primary = options.Capacity == Ec2CapacityTypes.OnDemand ? Ec2CapacityTypes.OnDemand : Ec2CapacityTypes.Spot;
            var launched = await RunPhaseAsync(run, primary, count, cancellationToken);
            if (launched.Count < count && options.Capacity == Ec2CapacityTypes.SpotThenOnDemand)
            {
                logger.LogInformation("Pool {Pool}: spot gave {Got} of {Count}; asking on-demand for the rest", options.PoolName, launched.Count, count);
                launched.AddRange(await RunPhaseAsync(run, Ec2CapacityTypes.OnDemand, count - launched.Count, cancellationToken));
            }

            if (launched.Count == 0 && run.Failures.Count > 0)
            {
                var first = run.Failures[0];
                throw Wrap(new Amazon.Runtime.AmazonServiceException(first.Message) { ErrorCode = first.Code }, count);
            }

            if (launched.Count < count)
            {
                logger.LogWarning("Pool {Pool}: launched {Got} of {Count} workers; no capacity left in the offerings tried", options.PoolName, launched.Count, count);
            }

            return launched;
        }
        catch (Exception e) when (e is not OperationCanceledException and not Ec2FleetException)
        {
            throw Wrap(e, count);
        }
    }

    private async Task<List<Ec2FleetInstance>> RunPhaseAsync(Run run, string capacity, int want, CancellationToken cancellationToken)
    {
        var launched = new List<Ec2FleetInstance>();

        // A second pass only when the first taught us which offerings are empty; asking the same ones
        // again would get the same answer.
        for (var pass = 0; pass < 2 && launched.Count < want; pass++)
        {
            var offerings = Offerings(run, capacity);
            if (offerings.Count == 0)
            {
                break;
            }

            var learned = false;

            // Chunks in order of preference, each asked until it comes up short: most launches need one call.
            foreach (var chunk in offerings.Chunk(MaxOverridesPerCall))
            {
                while (launched.Count < want)
                {
                    var target = Math.Min(want - launched.Count, tuning.MaxCapacityPerCall);
                    var callToken = ClientTokens.ForCall(run.Token, ++run.Calls);
                    var result = await CreateFleetAsync(run, new Ec2FleetRequest
                    {
                        ClientToken = callToken,
                        LaunchTemplateId = run.TemplateId,
                        Overrides = chunk,
                        TargetCapacity = target,
                        CapacityType = capacity,
                        AllocationStrategy = options.AllocationStrategy,
                        InstanceTags = new Dictionary<string, string> { [Ec2Tags.LaunchToken] = callToken },
                    }, cancellationToken);
                    launched.AddRange(result.Instances);
                    learned |= Learn(run, result, capacity);
                    if (result.Instances.Count < target)
                    {
                        if (!result.Errors.Any(e => AwsErrorClassifier.Classify(e.Code) == AwsErrorKind.Capacity))
                        {
                            // Short with no reason given: the pools it drew from ran dry.
                            learned |= MarkUsedOfferings(run, result.Instances, capacity);
                        }

                        break;
                    }
                }

                if (launched.Count >= want)
                {
                    break;
                }
            }

            if (!learned)
            {
                break;
            }
        }

        return launched;
    }

    private List<Ec2FleetOverride> Offerings(Run run, string capacity) =>
        [.. from type in options.InstanceTypes
            from subnet in run.Subnets
            where !unavailable.IsUnavailable(type, subnet.AvailabilityZone, capacity)
            select new Ec2FleetOverride(type, subnet.SubnetId, run.ImageId)];

    private bool Learn(Run run, Ec2FleetResult result, string capacity)
    {
        var learned = false;
        foreach (var error in result.Errors)
        {
            if (AwsErrorClassifier.Classify(error.Code) != AwsErrorKind.Capacity)
            {
                run.Failures.Add(error);
                continue;
            }

            var zone = error.AvailabilityZone ?? run.ZoneOf(error.SubnetId);
            if (error.InstanceType is { } type && zone is not null)
            {
                unavailable.MarkUnavailable(type, zone, error.CapacityType ?? capacity);
                logger.LogInformation("Pool {Pool}: {Type} {Capacity} in {Zone} unavailable for {Ttl}: {Code}", options.PoolName, type, error.CapacityType ?? capacity, zone, unavailable.Ttl, error.Code);
                learned = true;
            }
        }

        return learned;
    }

    private bool MarkUsedOfferings(Run run, IReadOnlyList<Ec2FleetInstance> instances, string capacity)
    {
        var learned = false;
        foreach (var instance in instances)
        {
            if (instance.InstanceType is { } type && (instance.AvailabilityZone ?? run.ZoneOf(instance.SubnetId)) is { } zone)
            {
                unavailable.MarkUnavailable(type, zone, capacity);
                learned = true;
            }
        }

        return learned;
    }

    private async Task<Ec2FleetResult> CreateFleetAsync(Run run, Ec2FleetRequest request, CancellationToken cancellationToken)
    {
        for (var templateRecreated = false; ; templateRecreated = true)
        {
            try
            {
                return await retry.RunAsync(ct => ec2.CreateFleetAsync(request, ct), cancellationToken);
            }
            catch (Exception e) when (!templateRecreated && AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound && e is not OperationCanceledException)
            {
                // The template may have been deleted behind our back (a clean-up script, a console user);
                // make sure it exists and ask once more. Other missing things fail the same way again.
                templateId = null;
                run.TemplateId = await EnsureLaunchTemplateAsync(cancellationToken);
                request = request with { LaunchTemplateId = run.TemplateId };
            }
            catch (Exception e) when (AwsErrorClassifier.Classify(e) is AwsErrorKind.Unknown or AwsErrorKind.Invalid && e is not OperationCanceledException)
            {
                // A replay of a token EC2 already used with other overrides (after a restart the unavailable
                // offerings differ) fails with IdempotentParameterMismatch. What that first call launched
                // carries the token as a tag: return it instead of failing or launching again.
                var replayed = await Ec2Paging.ListInstancesAsync(ec2, retry,
                    [new Ec2Filter("tag:" + Ec2Tags.LaunchToken, request.ClientToken), new Ec2Filter("tag:" + Ec2Tags.Owner, options.OwnerId)],
                    cancellationToken);
                if (replayed.Count == 0)
                {
                    throw;
                }

                logger.LogInformation("Pool {Pool}: launch {Token} was already made; using its {Count} instances", options.PoolName, request.ClientToken, replayed.Count);
                return new Ec2FleetResult(null, [.. replayed.Select(i => new Ec2FleetInstance(i.InstanceId, i.InstanceType, i.SubnetId, i.AvailabilityZone, i.CapacityType))], []);
            }
        }
    }

    private async Task<string> EnsureLaunchTemplateAsync(CancellationToken cancellationToken)
    {
        if (templateId is { } known)
        {
            return known;
        }

        await templateGate.WaitAsync(cancellationToken);
        try
        {
            if (templateId is { } raced)
            {
                return raced;
            }

            var template = await retry.RunAsync(ct => ec2.DescribeLaunchTemplateAsync(templateSpec.Name, ct), cancellationToken);
            if (template is null)
            {
                try
                {
                    template = await retry.RunAsync(ct => ec2.CreateLaunchTemplateAsync(templateSpec, ct), cancellationToken);
                }
                catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.Invalid)
                {
                    // Another replica created it between our describe and create (AlreadyExists); if not,
                    // the template data itself is wrong and the original error says why.
                    template = await retry.RunAsync(ct => ec2.DescribeLaunchTemplateAsync(templateSpec.Name, ct), cancellationToken);
                    if (template is null)
                    {
                        throw;
                    }
                }

                logger.LogInformation("Pool {Pool}: launch template {Name} is {Id}", options.PoolName, template.LaunchTemplateName, template.LaunchTemplateId);
            }

            templateId = template.LaunchTemplateId;
            return template.LaunchTemplateId;
        }
        finally
        {
            templateGate.Release();
        }
    }

    private async Task<IReadOnlyList<Ec2Subnet>> ResolveSubnetsAsync(CancellationToken cancellationToken)
    {
        if (subnets is { } cached && time.GetUtcNow() - cached.At < tuning.SubnetCacheTtl)
        {
            return cached.Value;
        }

        IReadOnlyList<Ec2Subnet> found;
        if (options.Subnets.Count == 0)
        {
            found = await retry.RunAsync(ct => ec2.DescribeSubnetsAsync([], [new Ec2Filter("default-for-az", "true")], ct), cancellationToken);
            if (found.Count == 0)
            {
                throw new Ec2FleetException("NoSubnets", AwsErrorKind.Invalid,
                    $"WorkerPool '{options.PoolName}' names no subnets and the region has no default VPC: list the subnets workers should launch into.");
            }

            found = [.. found.OrderBy(s => s.AvailabilityZone, StringComparer.Ordinal)];
        }
        else
        {
            var byId = (await retry.RunAsync(ct => ec2.DescribeSubnetsAsync(options.Subnets, [], ct), cancellationToken)).ToDictionary(s => s.SubnetId, StringComparer.Ordinal);
            var missing = options.Subnets.Where(s => !byId.ContainsKey(s)).ToList();
            if (missing.Count > 0)
            {
                throw new Ec2FleetException("SubnetNotFound", AwsErrorKind.NotFound,
                    $"WorkerPool '{options.PoolName}': subnet(s) {string.Join(", ", missing)} do not exist in this account and region.");
            }

            found = [.. options.Subnets.Select(s => byId[s])];
        }

        subnets = new Cached<IReadOnlyList<Ec2Subnet>>(found, time.GetUtcNow());
        return found;
    }

    private async Task<string> ResolveImageAsync(CancellationToken cancellationToken)
    {
        if (options.ImageId is { } fixedImage)
        {
            return fixedImage;
        }

        if (image is { } cached && time.GetUtcNow() - cached.At < tuning.ImageCacheTtl)
        {
            return cached.Value;
        }

        var parameter = options.EffectiveImageParameter;
        string value;
        try
        {
            value = await retry.RunAsync(ct => ssm!.GetParameterAsync(parameter, ct), cancellationToken);
        }
        catch (Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            throw new Ec2FleetException("ImageParameterNotFound", AwsErrorKind.NotFound,
                $"WorkerPool '{options.PoolName}': the AMI parameter '{parameter}' does not exist in SSM Parameter Store in this region.", e);
        }

        if (!value.StartsWith("ami-", StringComparison.Ordinal))
        {
            throw new Ec2FleetException("InvalidImageParameter", AwsErrorKind.Invalid,
                $"WorkerPool '{options.PoolName}': the SSM parameter '{parameter}' holds '{value}', which is not an AMI id.");
        }

        image = new Cached<string>(value, time.GetUtcNow());
        return value;
    }

    private Ec2FleetException Wrap(Exception error, int count)
    {
        var (reason, message) = AwsErrorClassifier.ToReasonMessage(error);
        var kind = AwsErrorClassifier.Classify(error);
        var hint = kind switch
        {
            AwsErrorKind.Unauthorized => " The operator's IAM role needs ec2:CreateFleet, ec2:RunInstances, ec2:CreateLaunchTemplate, ec2:DescribeLaunchTemplates, ec2:CreateTags, ec2:DescribeInstances, ec2:DescribeSubnets, ec2:TerminateInstances, ssm:GetParameter, and iam:PassRole on the instance profile's role.",
            AwsErrorKind.NotFound => " Check the pool's AMI, subnets, security groups and instance profile.",
            AwsErrorKind.Invalid => " Check the pool's template: instance types, subnets, security groups, AMI and user data.",
            AwsErrorKind.Throttled => " EC2 kept throttling after retries; the next scaling pass tries again.",
            _ => "",
        };
        return new Ec2FleetException(reason, kind, $"Launching {count} worker(s) for pool '{options.PoolName}' failed: {message.TrimEnd('.')}.{hint}", error);
    }

    private static Dictionary<string, string> BuildPoolTags(Ec2PoolOptions options)
    {
        var tags = new Dictionary<string, string>(options.Tags, StringComparer.Ordinal);
        tags.TryAdd(Ec2Tags.Name, $"shoal-{options.PoolName}");
        if (options.AdoptionTagKey is { } key)
        {
            tags[key] = options.QueueName;
        }

        tags[Ec2Tags.Pool] = options.PoolName;
        tags[Ec2Tags.Queue] = options.QueueName;
        tags[Ec2Tags.Owner] = options.OwnerId;
        return tags;
    }

    private static Ec2LaunchTemplateSpec BuildTemplateSpec(Ec2PoolOptions options, IReadOnlyDictionary<string, string> tags)
    {
        // The name carries a hash of the template's content: a changed pool gets a new template instead
        // of launching with a stale one, and every replica computes the same name.
        var content = new StringBuilder()
            .Append(options.InstanceProfile).Append('\n')
            .AppendJoin(',', options.SecurityGroups).Append('\n')
            .Append(options.UserData).Append('\n')
            .AppendJoin('\n', tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"))
            .ToString();
        var name = $"shoal-{Sanitize(options.OwnerId)}-{Sanitize(options.PoolName)}";
        name = (name.Length > 110 ? name[..110] : name) + "-" + ClientTokens.Hash(content)[..12];
        return new Ec2LaunchTemplateSpec
        {
            Name = name,
            ClientToken = ClientTokens.Fit(name),
            InstanceProfile = options.InstanceProfile,
            SecurityGroupIds = options.SecurityGroups,
            UserData = options.UserData,
            Tags = tags,
        };
    }

    private static string Sanitize(string value) =>
        new([.. value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '(' or ')' or '.' or '-' or '/' or '_' ? c : '_')]);

    private sealed record Cached<T>(T Value, DateTimeOffset At);

    private sealed class Run(string token, string templateId, IReadOnlyList<Ec2Subnet> subnets, string imageId)
    {
        private readonly Dictionary<string, string> zones = subnets.ToDictionary(s => s.SubnetId, s => s.AvailabilityZone, StringComparer.Ordinal);

        public string Token { get; } = token;

        public string TemplateId { get; set; } = templateId;

        public IReadOnlyList<Ec2Subnet> Subnets { get; } = subnets;

        public string ImageId { get; } = imageId;

        public int Calls { get; set; }

        /// <summary>Per-override errors that are not about capacity: reported when nothing launched.</summary>
        public List<Ec2FleetError> Failures { get; } = [];

        public string? ZoneOf(string? subnetId) => subnetId is not null && zones.TryGetValue(subnetId, out var zone) ? zone : null;
    }
}

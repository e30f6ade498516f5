using System.Globalization;
using System.Net;
using Amazon.EC2;
using Shoal.Aws.Fleet;

namespace Shoal.Aws.Tests.Fleet;

/// <summary>
/// EC2 in memory, for what moto cannot do: capacity errors per offering, partial fulfilment, client-token
/// idempotency (moto ignores CreateFleet's ClientToken), throttling and permission errors. Every call goes
/// through a <see cref="MockedFunction{TInput,TOutput}"/>, so a test can also script answers and errors and
/// read what was asked.
/// </summary>
public sealed class FakeEc2Api(TimeProvider time) : IEc2Api
{
    private readonly object gate = new();
    private readonly Dictionary<string, (Ec2LaunchTemplate Template, Ec2LaunchTemplateSpec Spec)> templates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ec2Instance> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Fingerprint, Ec2FleetResult Result)> tokens = new(StringComparer.Ordinal);
    private int sequence;

    public List<Ec2Subnet> Subnets { get; } =
    [
        new("subnet-0a", "us-east-1a", "vpc-default"),
        new("subnet-0b", "us-east-1b", "vpc-default"),
        new("subnet-0c", "us-east-1c", "vpc-default"),
    ];

    /// <summary>Instances left per (type, zone, capacity type); an offering not listed is unlimited.</summary>
    public Dictionary<(string Type, string Zone, string Capacity), int> Capacity { get; } = [];

    /// <summary>
    /// True: like AWS, one call draws from several pools until it has enough. False: like moto, a call
    /// takes everything from the first pool that has any, so a short pool means a short answer.
    /// </summary>
    public bool FillAcrossOverrides { get; set; } = true;

    /// <summary>Come up short without saying why (no Errors entries).</summary>
    public bool SilentShortfall { get; set; }

    /// <summary>Instances DescribeInstances does not show yet (EC2's eventual consistency).</summary>
    public HashSet<string> Invisible { get; } = new(StringComparer.Ordinal);

    public MockedFunction<string, Ec2LaunchTemplate?> DescribeLaunchTemplate { get; } = new();

    public MockedFunction<Ec2LaunchTemplateSpec, Ec2LaunchTemplate> CreateLaunchTemplate { get; } = new();

    public MockedFunction<Ec2FleetRequest, Ec2FleetResult> CreateFleet { get; } = new();

    public MockedFunction<Ec2InstanceQuery, Ec2InstancePage> DescribeInstances { get; } = new();

    public MockedFunction<IReadOnlyList<string>, bool> TerminateInstances { get; } = new();

    public MockedFunction<(IReadOnlyList<string> Ids, IReadOnlyList<Ec2Filter> Filters), IReadOnlyList<Ec2Subnet>> DescribeSubnets { get; } = new();

    public IReadOnlyList<Ec2Instance> Instances
    {
        get
        {
            lock (gate)
            {
                return [.. instances.Values];
            }
        }
    }

    public IReadOnlyList<Ec2LaunchTemplateSpec> Templates
    {
        get
        {
            lock (gate)
            {
                return [.. templates.Values.Select(t => t.Spec)];
            }
        }
    }

    public static AmazonEC2Exception Error(string code, string message = "fake", HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(message) { ErrorCode = code, StatusCode = status };

    public Ec2Instance Instance(string id)
    {
        lock (gate)
        {
            return instances[id];
        }
    }

    /// <summary>An instance launched by something else (RunInstances, Terraform).</summary>
    public Ec2Instance AddInstance(IReadOnlyDictionary<string, string> tags, string state = "running", DateTimeOffset? launchTime = null)
    {
        lock (gate)
        {
            var instance = NewInstance("m5.large", Subnets[0], Ec2CapacityTypes.OnDemand, null, tags) with { State = state, LaunchTime = launchTime ?? time.GetUtcNow() };
            instances[instance.InstanceId] = instance;
            return instance;
        }
    }

    public void DeleteLaunchTemplates()
    {
        lock (gate)
        {
            templates.Clear();
        }
    }

    public Task<Ec2LaunchTemplate?> DescribeLaunchTemplateAsync(string name, CancellationToken cancellationToken) =>
        DescribeLaunchTemplate.InvokeAsync(name, n =>
        {
            lock (gate)
            {
                return templates.TryGetValue(n, out var t) ? t.Template : null;
            }
        });

    public Task<Ec2LaunchTemplate> CreateLaunchTemplateAsync(Ec2LaunchTemplateSpec spec, CancellationToken cancellationToken) =>
        CreateLaunchTemplate.InvokeAsync(spec, s =>
        {
            lock (gate)
            {
                if (templates.ContainsKey(s.Name))
                {
                    throw Error("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.");
                }

                var template = new Ec2LaunchTemplate($"lt-{Next():x17}", s.Name);
                templates[s.Name] = (template, s);
                return template;
            }
        });

    public Task<Ec2FleetResult> CreateFleetAsync(Ec2FleetRequest request, CancellationToken cancellationToken) =>
        CreateFleet.InvokeAsync(request, Launch);

    public Task<Ec2InstancePage> DescribeInstancesAsync(Ec2InstanceQuery query, CancellationToken cancellationToken) =>
        DescribeInstances.InvokeAsync(query, q =>
        {
            lock (gate)
            {
                var matching = instances.Values
                    .Where(i => !Invisible.Contains(i.InstanceId) && q.Filters.All(f => Matches(i, f)))
                    .OrderBy(i => i.InstanceId, StringComparer.Ordinal)
                    .ToList();
                var offset = q.NextToken is null ? 0 : int.Parse(q.NextToken, CultureInfo.InvariantCulture);
                var size = q.MaxResults ?? int.MaxValue;
                var page = matching.Skip(offset).Take(size).ToList();
                var next = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null;
                return new Ec2InstancePage(page, next);
            }
        });

    public Task TerminateInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        TerminateInstances.InvokeAsync(instanceIds, ids =>
        {
            lock (gate)
            {
                if (ids.FirstOrDefault(id => !instances.ContainsKey(id)) is { } unknown)
                {
                    throw Error("InvalidInstanceID.NotFound", $"The instance ID '{unknown}' does not exist");
                }

                foreach (var id in ids)
                {
                    instances[id] = instances[id] with { State = "terminated", StateReason = "Client.UserInitiatedShutdown: User initiated shutdown" };
                }

                return true;
            }
        });

    public Task<IReadOnlyList<Ec2Subnet>> DescribeSubnetsAsync(IReadOnlyList<string> subnetIds, IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken) =>
        DescribeSubnets.InvokeAsync((subnetIds, filters), q =>
        {
            if (q.Ids.FirstOrDefault(id => Subnets.All(s => s.SubnetId != id)) is { } unknown)
            {
                throw Error("InvalidSubnetID.NotFound", $"The subnet ID '{unknown}' does not exist");
            }

            return [.. Subnets.Where(s => q.Ids.Count == 0 || q.Ids.Contains(s.SubnetId))];
        });

    private Ec2FleetResult Launch(Ec2FleetRequest request)
    {
        lock (gate)
        {
            var fingerprint = Fingerprint(request);
            if (tokens.TryGetValue(request.ClientToken, out var earlier))
            {
                // EC2's idempotency: the same token and parameters get the first answer; other parameters fail.
                return earlier.Fingerprint == fingerprint
                    ? earlier.Result
                    : throw Error("IdempotentParameterMismatch", "The client token has already been used with different parameters.");
            }

            if (!templates.Values.Any(t => t.Template.LaunchTemplateId == request.LaunchTemplateId))
            {
                throw Error("InvalidLaunchTemplateId.NotFound", $"The specified launch template, with template ID {request.LaunchTemplateId}, does not exist.");
            }

            var spec = templates.Values.First(t => t.Template.LaunchTemplateId == request.LaunchTemplateId).Spec;
            var launched = new List<Ec2FleetInstance>();
            var errors = new List<Ec2FleetError>();
            var need = request.TargetCapacity;
            foreach (var o in request.Overrides)
            {
                if (need == 0)
                {
                    break;
                }

                var subnet = Subnets.Single(s => s.SubnetId == o.SubnetId);
                var key = (o.InstanceType, subnet.AvailabilityZone, request.CapacityType);
                var available = Capacity.TryGetValue(key, out var left) ? left : int.MaxValue;
                var take = Math.Min(need, available);
                for (var i = 0; i < take; i++)
                {
                    var tags = new Dictionary<string, string>(spec.Tags, StringComparer.Ordinal);
                    foreach (var (k, v) in request.InstanceTags)
                    {
                        tags[k] = v;
                    }

                    var instance = NewInstance(o.InstanceType, subnet, request.CapacityType, o.ImageId, tags);
                    instances[instance.InstanceId] = instance;
                    launched.Add(new Ec2FleetInstance(instance.InstanceId, o.InstanceType, subnet.SubnetId, subnet.AvailabilityZone, request.CapacityType));
                }

                if (available != int.MaxValue)
                {
                    Capacity[key] = available - take;
                }

                if (take < need && !SilentShortfall)
                {
                    errors.Add(new Ec2FleetError("InsufficientInstanceCapacity", $"There is no {request.CapacityType} capacity for {o.InstanceType} in {subnet.AvailabilityZone}.", o.InstanceType, o.SubnetId, subnet.AvailabilityZone, request.CapacityType));
                }

                need -= take;
                if (take > 0 && !FillAcrossOverrides)
                {
                    break;
                }
            }

            var result = new Ec2FleetResult($"fleet-{Next():x8}", launched, errors);
            tokens[request.ClientToken] = (fingerprint, result);
            return result;
        }
    }

    private Ec2Instance NewInstance(string type, Ec2Subnet subnet, string capacity, string? imageId, IReadOnlyDictionary<string, string> tags) => new()
    {
        InstanceId = $"i-{Next():x17}",
        State = "running",
        InstanceType = type,
        AvailabilityZone = subnet.AvailabilityZone,
        SubnetId = subnet.SubnetId,
        ImageId = imageId,
        CapacityType = capacity,
        LaunchTime = time.GetUtcNow(),
        Tags = tags,
    };

    private int Next() => Interlocked.Increment(ref sequence);

    private static bool Matches(Ec2Instance instance, Ec2Filter filter) => filter.Name switch
    {
        "instance-id" => filter.Values.Contains(instance.InstanceId),
        "instance-state-name" => filter.Values.Contains(instance.State),
        "tag-key" => filter.Values.Any(instance.Tags.ContainsKey),
        _ when filter.Name.StartsWith("tag:", StringComparison.Ordinal) =>
            instance.Tags.TryGetValue(filter.Name[4..], out var value) && filter.Values.Contains(value),
        _ => throw new NotSupportedException($"The fake does not know the filter {filter.Name}; moto may not either."),
    };

    private static string Fingerprint(Ec2FleetRequest r) =>
        $"{r.LaunchTemplateId}|{r.CapacityType}|{r.TargetCapacity}|{r.AllocationStrategy}|" +
        string.Join(';', r.Overrides.Select(o => $"{o.InstanceType},{o.SubnetId},{o.ImageId}")) + "|" +
        string.Join(';', r.InstanceTags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
}

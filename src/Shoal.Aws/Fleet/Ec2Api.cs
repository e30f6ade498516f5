using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Shoal.Aws.Errors;

namespace Shoal.Aws.Fleet;

/// <summary>
/// Forwards <see cref="IEc2Api"/> to the SDK. SDK v4 leaves empty lists and unset values null; they are
/// resolved here so nothing past this class sees an SDK type or a null collection.
/// </summary>
public sealed class Ec2Api(IAmazonEC2 ec2) : IEc2Api
{
    public async Task<Ec2LaunchTemplate?> DescribeLaunchTemplateAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ec2.DescribeLaunchTemplatesAsync(new DescribeLaunchTemplatesRequest { LaunchTemplateNames = [name] }, cancellationToken);
            return response.LaunchTemplates?.FirstOrDefault() is { } template
                ? new Ec2LaunchTemplate(template.LaunchTemplateId, template.LaunchTemplateName)
                : null;
        }
        catch (AmazonEC2Exception e) when (AwsErrorClassifier.Classify(e) == AwsErrorKind.NotFound)
        {
            return null;
        }
    }

    public async Task<Ec2LaunchTemplate> CreateLaunchTemplateAsync(Ec2LaunchTemplateSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tags = ToTags(spec.Tags);
        var data = new RequestLaunchTemplateData
        {
            // A worker that shuts itself down (or is told to by a job) must stop costing money, not sit stopped.
            InstanceInitiatedShutdownBehavior = ShutdownBehavior.Terminate,
            // IMDSv2 only; the hop limit of 2 lets containers on the worker reach it too.
            MetadataOptions = new LaunchTemplateInstanceMetadataOptionsRequest
            {
                HttpTokens = LaunchTemplateHttpTokensState.Required,
                HttpEndpoint = LaunchTemplateInstanceMetadataEndpointState.Enabled,
                HttpPutResponseHopLimit = 2,
            },
            TagSpecifications = tags.Count == 0 ? null :
            [
                new LaunchTemplateTagSpecificationRequest { ResourceType = ResourceType.Instance, Tags = tags },
                new LaunchTemplateTagSpecificationRequest { ResourceType = ResourceType.Volume, Tags = ToTags(spec.Tags) },
            ],
        };
        if (spec.InstanceProfile is { Length: > 0 } profile)
        {
            data.IamInstanceProfile = profile.StartsWith("arn:", StringComparison.Ordinal)
                ? new LaunchTemplateIamInstanceProfileSpecificationRequest { Arn = profile }
                : new LaunchTemplateIamInstanceProfileSpecificationRequest { Name = profile };
        }

        if (spec.SecurityGroupIds.Count > 0)
        {
            data.SecurityGroupIds = [.. spec.SecurityGroupIds];
        }

        if (spec.UserData is { Length: > 0 } userData)
        {
            data.UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(userData));
        }

        var response = await ec2.CreateLaunchTemplateAsync(new CreateLaunchTemplateRequest
        {
            LaunchTemplateName = spec.Name,
            ClientToken = spec.ClientToken,
            LaunchTemplateData = data,
            TagSpecifications = tags.Count == 0 ? null : [new TagSpecification { ResourceType = ResourceType.LaunchTemplate, Tags = ToTags(spec.Tags) }],
        }, cancellationToken);
        return new Ec2LaunchTemplate(response.LaunchTemplate.LaunchTemplateId, response.LaunchTemplate.LaunchTemplateName);
    }

    public async Task<Ec2FleetResult> CreateFleetAsync(Ec2FleetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spot = request.CapacityType == Ec2CapacityTypes.Spot;
        var sdkRequest = new CreateFleetRequest
        {
            Type = FleetType.Instant,
            ClientToken = request.ClientToken,
            LaunchTemplateConfigs =
            [
                new FleetLaunchTemplateConfigRequest
                {
                    LaunchTemplateSpecification = new FleetLaunchTemplateSpecificationRequest { LaunchTemplateId = request.LaunchTemplateId, Version = "$Default" },
                    Overrides = [.. request.Overrides.Select(o => new FleetLaunchTemplateOverridesRequest { InstanceType = o.InstanceType, SubnetId = o.SubnetId, ImageId = o.ImageId })],
                },
            ],
            TargetCapacitySpecification = new TargetCapacitySpecificationRequest
            {
                TotalTargetCapacity = request.TargetCapacity,
                DefaultTargetCapacityType = spot ? DefaultTargetCapacityType.Spot : DefaultTargetCapacityType.OnDemand,
            },
            SpotOptions = spot ? new SpotOptionsRequest { AllocationStrategy = new SpotAllocationStrategy(request.AllocationStrategy) } : null,
            OnDemandOptions = spot ? null : new OnDemandOptionsRequest { AllocationStrategy = FleetOnDemandAllocationStrategy.LowestPrice },
            // Instance tags only: tagging spot-instances-request fails when a call creates none (karpenter#5850).
            TagSpecifications = request.InstanceTags.Count == 0 ? null : [new TagSpecification { ResourceType = ResourceType.Instance, Tags = ToTags(request.InstanceTags) }],
        };
        var response = await ec2.CreateFleetAsync(sdkRequest, cancellationToken);

        var instances = (response.Instances ?? []).SelectMany(i =>
        {
            var overrides = i.LaunchTemplateAndOverrides?.Overrides;
            return (i.InstanceIds ?? []).Select(id => new Ec2FleetInstance(
                id,
                i.InstanceType?.Value ?? overrides?.InstanceType?.Value,
                i.SubnetId ?? overrides?.SubnetId,
                i.AvailabilityZone ?? overrides?.AvailabilityZone,
                i.Lifecycle?.Value ?? request.CapacityType));
        }).ToList();
        var errors = (response.Errors ?? []).Select(e =>
        {
            var overrides = e.LaunchTemplateAndOverrides?.Overrides;
            return new Ec2FleetError(
                e.ErrorCode ?? "",
                e.ErrorMessage ?? "",
                overrides?.InstanceType?.Value,
                overrides?.SubnetId,
                overrides?.AvailabilityZone,
                e.Lifecycle?.Value ?? request.CapacityType);
        }).ToList();
        return new Ec2FleetResult(response.FleetId, instances, errors);
    }

    public async Task<Ec2InstancePage> DescribeInstancesAsync(Ec2InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = query.Filters.Count == 0 ? null : [.. query.Filters.Select(f => new Filter { Name = f.Name, Values = [.. f.Values] })],
            MaxResults = query.MaxResults,
            NextToken = query.NextToken,
        }, cancellationToken);
        var instances = (response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(ToInstance).ToList();
        return new Ec2InstancePage(instances, string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken);
    }

    public async Task TerminateInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. instanceIds] }, cancellationToken);
    }

    public async Task<IReadOnlyList<Ec2Subnet>> DescribeSubnetsAsync(IReadOnlyList<string> subnetIds, IReadOnlyList<Ec2Filter> filters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subnetIds);
        ArgumentNullException.ThrowIfNull(filters);
        var subnets = new List<Ec2Subnet>();
        string? next = null;
        do
        {
            var response = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest
            {
                SubnetIds = subnetIds.Count == 0 ? null : [.. subnetIds],
                Filters = filters.Count == 0 ? null : [.. filters.Select(f => new Filter { Name = f.Name, Values = [.. f.Values] })],
                NextToken = next,
            }, cancellationToken);
            subnets.AddRange((response.Subnets ?? []).Select(s => new Ec2Subnet(s.SubnetId, s.AvailabilityZone, s.VpcId)));
            next = string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken;
        }
        while (next is not null);

        return subnets;
    }

    internal static Ec2Instance ToInstance(Instance instance) => new()
    {
        InstanceId = instance.InstanceId,
        State = instance.State?.Name?.Value ?? "pending",
        InstanceType = instance.InstanceType?.Value,
        AvailabilityZone = instance.Placement?.AvailabilityZone,
        SubnetId = string.IsNullOrEmpty(instance.SubnetId) ? null : instance.SubnetId,
        ImageId = instance.ImageId,
        CapacityType = instance.InstanceLifecycle?.Value is { Length: > 0 } lifecycle ? lifecycle : Ec2CapacityTypes.OnDemand,
        LaunchTime = instance.LaunchTime is { } launched ? ToUtc(launched) : null,
        StateReason = instance.StateReason?.Message is { Length: > 0 } reason ? reason
            : string.IsNullOrEmpty(instance.StateTransitionReason) ? null : instance.StateTransitionReason,
        Tags = (instance.Tags ?? []).GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value ?? "", StringComparer.Ordinal),
    };

    // The SDK parses timestamps as UTC but has marked them Local in some versions; an unmarked one is UTC.
    private static DateTimeOffset ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };

    private static List<Tag> ToTags(IReadOnlyDictionary<string, string> tags) =>
        [.. tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Tag(t.Key, t.Value))];
}

using System.Globalization;
using System.Text.RegularExpressions;
using Shoal.Api.V1Alpha1;

namespace Shoal.Cli.Manifests;

// The rules the CRD schema enforces on a cluster, applied to manifests before `shoal run` starts, so a
// folder that runs locally also applies cleanly with kubectl. Rules that involve several fields run only
// when the document bound without type errors, or they would compare against defaults the user never chose.
internal static partial class ManifestValidator
{
    public static void ValidateMetadata(ObjectMeta metadata, DocumentDiagnostics d)
    {
        if (string.IsNullOrEmpty(metadata.Name))
            d.Error("metadata.name is required");
        else
            RequireDnsLabel("metadata.name", metadata.Name, d);
        if (metadata.Namespace is not null)
            RequireDnsLabel("metadata.namespace", metadata.Namespace, d);
    }

    public static void ValidateJobQueue(JobQueueSpec spec, DocumentDiagnostics d, bool bound)
    {
        if (spec.QueueUrl is not null
            && !(Uri.TryCreate(spec.QueueUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)))
            d.Error($"spec.queueUrl must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/my-queue, got {Quote(spec.QueueUrl)}");
        if (spec.QueueName is not null && !SqsQueueName().IsMatch(spec.QueueName))
            d.Error($"spec.queueName must be 1-80 letters, digits, '-' or '_' (an SQS standard queue name), got {Quote(spec.QueueName)}");
        if (spec.TableName is not null && !DynamoTableName().IsMatch(spec.TableName))
            d.Error($"spec.tableName must be 3-255 letters, digits, '_', '-' or '.' (a DynamoDB table name), got {Quote(spec.TableName)}");
        Range("spec.deadLetter.maxReceiveCount", spec.DeadLetter.MaxReceiveCount, 1, 1000, d);

        var defaults = spec.JobDefaults;
        AtLeast("spec.jobDefaults.retry", defaults.Retry, 0, d);
        if (defaults.Document is not null && string.IsNullOrWhiteSpace(defaults.Document))
            d.Error("spec.jobDefaults.document must name an SSM document such as AWS-RunShellScript, or be left out for the platform's default");
        if (defaults.TimeoutSeconds is { } timeout)
            AtLeast("spec.jobDefaults.timeoutSeconds", timeout, 1, d);
        OneOf("spec.jobDefaults.platform", defaults.Platform, Platforms.All, d);

        AtLeast("spec.maxInterruptions", spec.MaxInterruptions, 0, d);
        AtLeast("spec.leaseSeconds", spec.LeaseSeconds, 1, d);
        AtLeast("spec.retention.days", spec.Retention.Days, 1, d);
        OneOf("spec.deletionPolicy", spec.DeletionPolicy, DeletionPolicies.All, d);

        if (spec.Output is { } output && !S3BucketName().IsMatch(output.Bucket))
            d.Error($"spec.output.bucket must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-'), got {Quote(output.Bucket)}");

        if (spec.Ingest is { } ingest)
        {
            if (bound && ingest.Bucket is null && ingest.LocalPath is null)
                d.Error("spec.ingest needs bucket (S3, for AWS) or localPath (a folder, for the local mode); remove ingest to take jobs from the queue only");
            if (ingest.Bucket is not null && !S3BucketName().IsMatch(ingest.Bucket))
                d.Error($"spec.ingest.bucket must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-'), got {Quote(ingest.Bucket)}");
            if (ingest.LocalPath is not null && string.IsNullOrWhiteSpace(ingest.LocalPath))
                d.Error("spec.ingest.localPath must be a folder path, got \"\"");
            if (string.IsNullOrWhiteSpace(ingest.ExecutableSuffix))
                d.Error($"spec.ingest.executableSuffix must be a file name suffix such as \".sh\", got {Quote(ingest.ExecutableSuffix)}");
            if (ingest.Platform is not null)
                OneOf("spec.ingest.platform", ingest.Platform, Platforms.All, d);
        }
    }

    public static void ValidateWorkerPool(WorkerPoolSpec spec, DocumentDiagnostics d, bool bound)
    {
        if (string.IsNullOrEmpty(spec.JobQueueRef.Name))
            d.Error("spec.jobQueueRef.name is required: the name of the JobQueue this pool's workers take jobs from");
        else
            RequireDnsLabel("spec.jobQueueRef.name", spec.JobQueueRef.Name, d);

        var countsValid = AtLeast("spec.minWorkers", spec.MinWorkers, 0, d) & AtLeast("spec.maxWorkers", spec.MaxWorkers, 0, d);
        if (bound && countsValid && spec.MinWorkers > spec.MaxWorkers)
            d.Error($"spec.minWorkers ({spec.MinWorkers}) must be <= spec.maxWorkers ({spec.MaxWorkers})");
        AtLeast("spec.jobsPerWorker", spec.JobsPerWorker, 1, d);
        AtLeast("spec.idleTimeoutSeconds", spec.IdleTimeoutSeconds, 1, d);
        OneOf("spec.capacity", spec.Capacity, CapacityTypes.All, d);
        OneOf("spec.allocationStrategy", spec.AllocationStrategy, AllocationStrategies.All, d);
        if (spec.Platform is not null)
            OneOf("spec.platform", spec.Platform, Platforms.All, d);
        if (spec.MaxJobsPerWorker is { } maxJobs)
            AtLeast("spec.maxJobsPerWorker", maxJobs, 1, d);
        if (spec.MaxLifetimeSeconds is { } maxLifetime)
            AtLeast("spec.maxLifetimeSeconds", maxLifetime, 1, d);
        if (spec.Template is { } template)
            ValidateTemplate(template, d, bound);
    }

    private static void ValidateTemplate(WorkerTemplate t, DocumentDiagnostics d, bool bound)
    {
        if (bound && t.Ami is not null && t.AmiParameter is not null)
            d.Error("spec.template sets both ami and amiParameter; set one: ami for a fixed image, amiParameter to follow an SSM parameter");
        if (t.Ami is not null && !AmiId().IsMatch(t.Ami))
            d.Error($"spec.template.ami must be an image id such as ami-0123456789abcdef0, got {Quote(t.Ami)}; use amiParameter for an SSM parameter name");
        if (t.AmiParameter is not null && string.IsNullOrWhiteSpace(t.AmiParameter))
            d.Error("spec.template.amiParameter must name an SSM parameter, such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
        if (bound && t.InstanceTypes is not null && t.InstanceRequirements is not null)
            d.Error("spec.template sets both instanceTypes and instanceRequirements; EC2 Fleet takes one or the other");
        if (t.InstanceTypes is { } types)
        {
            if (bound && types.Count == 0)
                d.Error("spec.template.instanceTypes must list at least one instance type, or be left out");
            Ids("spec.template.instanceTypes", types, InstanceType(), "an instance type such as m7i.large", d);
        }
        if (t.InstanceRequirements is { } r)
        {
            if (r.VcpuMin is null)
                d.Error("spec.template.instanceRequirements.vcpuMin is required when instanceRequirements is set");
            else
                AtLeast("spec.template.instanceRequirements.vcpuMin", r.VcpuMin.Value, 1, d);
            if (r.VcpuMax is { } vcpuMax)
                AtLeast("spec.template.instanceRequirements.vcpuMax", vcpuMax, Math.Max(1, r.VcpuMin ?? 1), d, r.VcpuMin is > 1 ? "vcpuMin" : null);
            if (r.MemoryMiBMin is { } memoryMin)
                AtLeast("spec.template.instanceRequirements.memoryMiBMin", memoryMin, 0, d);
            if (r.MemoryMiBMax is { } memoryMax)
                AtLeast("spec.template.instanceRequirements.memoryMiBMax", memoryMax, Math.Max(1, r.MemoryMiBMin ?? 1), d, r.MemoryMiBMin is > 1 ? "memoryMiBMin" : null);
        }
        if (t.Subnets is { } subnets)
            Ids("spec.template.subnets", subnets, SubnetId(), "a subnet id such as subnet-0123456789abcdef0", d);
        if (t.SecurityGroups is { } groups)
            Ids("spec.template.securityGroups", groups, SecurityGroupId(), "a security group id such as sg-0123456789abcdef0", d);
        if (t.Tags is { } tags)
        {
            foreach (var (key, value) in tags)
            {
                var path = YamlBinder.Join("spec.template.tags", key);
                if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                    d.Error($"{path}: tag keys starting with \"aws:\" are reserved by AWS");
                else if (key.Length is 0 or > 128)
                    d.Error($"{path}: tag keys must be 1-128 characters");
                if (value.Length > 256)
                    d.Error($"{path} must be at most 256 characters, got {value.Length}");
            }
        }
    }

    private static void Ids(string path, IList<string> values, Regex pattern, string expected, DocumentDiagnostics d)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!pattern.IsMatch(values[i]))
                d.Error($"{path}[{i}] must be {expected}, got {Quote(values[i])}");
        }
        foreach (var duplicate in values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
            d.Error($"{path} lists {Quote(duplicate.Key)} more than once");
    }

    private static void RequireDnsLabel(string path, string value, DocumentDiagnostics d)
    {
        if (value.Length > 63 || !DnsLabel().IsMatch(value))
            d.Error($"{path} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got {Quote(value)}");
    }

    private static bool AtLeast(string path, int value, int minimum, DocumentDiagnostics d, string? minimumField = null)
    {
        if (value >= minimum)
            return true;
        var bound = minimumField is null ? minimum.ToString(CultureInfo.InvariantCulture) : $"{minimumField} ({minimum})";
        d.Error($"{path} must be an integer >= {bound}, got {value}");
        return false;
    }

    private static void Range(string path, int value, int minimum, int maximum, DocumentDiagnostics d)
    {
        if (value < minimum || value > maximum)
            d.Error($"{path} must be an integer from {minimum} to {maximum}, got {value}");
    }

    private static void OneOf(string path, string value, IReadOnlyList<string> allowed, DocumentDiagnostics d)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
            d.Error($"{path} must be one of {string.Join(", ", allowed)}, got {Quote(value)}");
    }

    private static string Quote(string value) => $"\"{value}\"";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex SqsQueueName();

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,255}$")]
    private static partial Regex DynamoTableName();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex S3BucketName();

    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")]
    private static partial Regex AmiId();

    [GeneratedRegex("^[a-z0-9-]+\\.[a-z0-9-]+$")]
    private static partial Regex InstanceType();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    private static partial Regex SubnetId();

    [GeneratedRegex("^sg-[0-9a-f]{8,17}$")]
    private static partial Regex SecurityGroupId();
}

using Shoal.Cli.Manifests;

namespace Shoal.Cli.Tests.Manifests;

// Each rule's message, exactly: these are what a user reads to fix a manifest.
public sealed class ManifestValidationTests
{
    private static IReadOnlyList<string> ProblemsOf(string yaml) =>
        Assert.Throws<ManifestException>(() => ManifestLoader.Parse("m.yaml", yaml)).Problems;

    [Theory]
    [InlineData("  maxWorkers: -1", "spec.maxWorkers must be an integer >= 0, got -1")]
    [InlineData("  minWorkers: -2", "spec.minWorkers must be an integer >= 0, got -2")]
    [InlineData("  minWorkers: 5\n  maxWorkers: 2", "spec.minWorkers (5) must be <= spec.maxWorkers (2)")]
    [InlineData("  minWorkers: 11", "spec.minWorkers (11) must be <= spec.maxWorkers (10)")]
    [InlineData("  jobsPerWorker: 0", "spec.jobsPerWorker must be an integer >= 1, got 0")]
    [InlineData("  idleTimeoutSeconds: 0", "spec.idleTimeoutSeconds must be an integer >= 1, got 0")]
    [InlineData("  capacity: spto", "spec.capacity must be one of spot, on-demand, spot-then-on-demand, got \"spto\"")]
    [InlineData("  allocationStrategy: cheapest", "spec.allocationStrategy must be one of price-capacity-optimized, capacity-optimized, lowest-price, diversified, got \"cheapest\"")]
    [InlineData("  platform: macos", "spec.platform must be one of linux, windows, got \"macos\"")]
    [InlineData("  maxJobsPerWorker: 0", "spec.maxJobsPerWorker must be an integer >= 1, got 0")]
    [InlineData("  maxLifetimeSeconds: 0", "spec.maxLifetimeSeconds must be an integer >= 1, got 0")]
    [InlineData("  maxWorker: 3", "unknown field \"spec.maxWorker\"; did you mean \"maxWorkers\"?")]
    [InlineData("  replicas: 3", "unknown field \"spec.replicas\"; expected one of jobQueueRef, minWorkers, maxWorkers, jobsPerWorker, idleTimeoutSeconds, template, capacity, allocationStrategy, platform, maxJobsPerWorker, maxLifetimeSeconds, adoptionTagKey")]
    [InlineData("  maxWorkers: \"4\"", "spec.maxWorkers must be an integer, got \"4\" (a quoted string; remove the quotes)")]
    [InlineData("  maxWorkers: 2.5", "spec.maxWorkers must be an integer, got 2.5")]
    [InlineData("  maxWorkers: many", "spec.maxWorkers must be an integer, got \"many\"")]
    [InlineData("  maxWorkers: 99999999999", "spec.maxWorkers must be an integer between -2147483648 and 2147483647, got 99999999999")]
    [InlineData("  maxWorkers: [1]", "spec.maxWorkers must be an integer, got a list")]
    [InlineData("  template:\n    amiId: ami-0123456789abcdef0", "unknown field \"spec.template.amiId\"; did you mean \"ami\"?")]
    [InlineData("  template:\n    ami: ami-0123456789abcdef0\n    amiParameter: /aws/x", "spec.template sets both ami and amiParameter; set one: ami for a fixed image, amiParameter to follow an SSM parameter")]
    [InlineData("  template:\n    ami: ubuntu-22.04", "spec.template.ami must be an image id such as ami-0123456789abcdef0, got \"ubuntu-22.04\"; use amiParameter for an SSM parameter name")]
    [InlineData("  template:\n    instanceTypes: [m7i.large]\n    instanceRequirements:\n      vcpuMin: 2", "spec.template sets both instanceTypes and instanceRequirements; EC2 Fleet takes one or the other")]
    [InlineData("  template:\n    instanceTypes: []", "spec.template.instanceTypes must list at least one instance type, or be left out")]
    [InlineData("  template:\n    instanceTypes: [m7i.large, large]", "spec.template.instanceTypes[1] must be an instance type such as m7i.large, got \"large\"")]
    [InlineData("  template:\n    instanceTypes: [m7i.large, m7i.large]", "spec.template.instanceTypes lists \"m7i.large\" more than once")]
    [InlineData("  template:\n    instanceTypes: m7i.large", "spec.template.instanceTypes must be a list, got \"m7i.large\"")]
    [InlineData("  template:\n    instanceTypes:\n    - m7i.large\n    -", "spec.template.instanceTypes[1] must not be empty")]
    [InlineData("  template:\n    instanceRequirements:\n      vcpuMax: 4", "spec.template.instanceRequirements.vcpuMin is required when instanceRequirements is set")]
    [InlineData("  template:\n    instanceRequirements:\n      vcpuMin: 4\n      vcpuMax: 2", "spec.template.instanceRequirements.vcpuMax must be an integer >= vcpuMin (4), got 2")]
    [InlineData("  template:\n    instanceRequirements:\n      vcpuMin: 1\n      memoryMiBMin: 4096\n      memoryMiBMax: 1024", "spec.template.instanceRequirements.memoryMiBMax must be an integer >= memoryMiBMin (4096), got 1024")]
    [InlineData("  template:\n    subnets: [subnet-xyz]", "spec.template.subnets[0] must be a subnet id such as subnet-0123456789abcdef0, got \"subnet-xyz\"")]
    [InlineData("  template:\n    securityGroups: [default]", "spec.template.securityGroups[0] must be a security group id such as sg-0123456789abcdef0, got \"default\"")]
    [InlineData("  template:\n    tags:\n      aws:owner: me", "spec.template.tags[\"aws:owner\"]: tag keys starting with \"aws:\" are reserved by AWS")]
    [InlineData("  template:\n    tags:\n      team:", "spec.template.tags.team must not be empty; use \"\" for an empty value")]
    [InlineData("  template:\n    tags:\n      count: 3", "spec.template.tags.count must be a string, got 3; quote it (\"3\") to use it as text")]
    [InlineData("  template: [a]", "spec.template must be a mapping with fields ami, amiParameter, instanceTypes, instanceRequirements, subnets, securityGroups, instanceProfile, userData, tags; got a list")]
    public void WorkerPoolRule(string spec, string expected)
    {
        var problems = ProblemsOf(Yaml.Queue + "\n---\n" + Yaml.Pool(spec));

        Assert.Equal(["m.yaml (document 2): " + expected], problems);
    }

    [Theory]
    [InlineData("  deadLetter:\n    maxReceiveCount: 0", "spec.deadLetter.maxReceiveCount must be an integer from 1 to 1000, got 0")]
    [InlineData("  deadLetter:\n    maxReceiveCount: 1001", "spec.deadLetter.maxReceiveCount must be an integer from 1 to 1000, got 1001")]
    [InlineData("  finishedQueue:\n    enabled: yes", "spec.finishedQueue.enabled must be true or false, got \"yes\"")]
    [InlineData("  jobDefaults:\n    retry: -1", "spec.jobDefaults.retry must be an integer >= 0, got -1")]
    [InlineData("  jobDefaults:\n    platform: Linux", "spec.jobDefaults.platform must be one of linux, windows, got \"Linux\"")]
    [InlineData("  jobDefaults:\n    timeoutSeconds: 0", "spec.jobDefaults.timeoutSeconds must be an integer >= 1, got 0")]
    [InlineData("  jobDefaults:\n    successString: 123", "spec.jobDefaults.successString must be a string, got 123; quote it (\"123\") to use it as text")]
    [InlineData("  jobDefaults:\n    document: \" \"", "spec.jobDefaults.document must name an SSM document such as AWS-RunShellScript, or be left out for the platform's default")]
    [InlineData("  jobDefaults: 3", "spec.jobDefaults must be a mapping with fields retry, successString, document, timeoutSeconds, platform; got 3")]
    [InlineData("  maxInterruptions: -1", "spec.maxInterruptions must be an integer >= 0, got -1")]
    [InlineData("  leaseSeconds: 0", "spec.leaseSeconds must be an integer >= 1, got 0")]
    [InlineData("  retention:\n    days: 0", "spec.retention.days must be an integer >= 1, got 0")]
    [InlineData("  deletionPolicy: delete", "spec.deletionPolicy must be one of Retain, Delete, got \"delete\"")]
    [InlineData("  queueUrl: my-queue", "spec.queueUrl must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/my-queue, got \"my-queue\"")]
    [InlineData("  queueName: jobs.fifo", "spec.queueName must be 1-80 letters, digits, '-' or '_' (an SQS standard queue name), got \"jobs.fifo\"")]
    [InlineData("  tableName: ab", "spec.tableName must be 3-255 letters, digits, '_', '-' or '.' (a DynamoDB table name), got \"ab\"")]
    [InlineData("  ingest:\n    prefix: in/", "spec.ingest needs bucket (S3, for AWS) or localPath (a folder, for the local mode); remove ingest to take jobs from the queue only")]
    [InlineData("  ingest:\n    bucket: My_Bucket", "spec.ingest.bucket must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-'), got \"My_Bucket\"")]
    [InlineData("  output:\n    bucket: Not_A_Bucket", "spec.output.bucket must be an S3 bucket name (3-63 lowercase letters, digits, '.' or '-'), got \"Not_A_Bucket\"")]
    [InlineData("  ingest:\n    localPath: ./in\n    executableSuffix: \"\"", "spec.ingest.executableSuffix must be a file name suffix such as \".sh\", got \"\"")]
    [InlineData("  ingest:\n    localPath: ./in\n    platform: mac", "spec.ingest.platform must be one of linux, windows, got \"mac\"")]
    [InlineData("  jobDefault:\n    retry: 1", "unknown field \"spec.jobDefault\"; did you mean \"jobDefaults\"?")]
    [InlineData("  ingest:\n    localpath: ./in", "unknown field \"spec.ingest.localpath\"; did you mean \"localPath\"?")]
    public void JobQueueRule(string spec, string expected)
    {
        var problems = ProblemsOf(Yaml.QueueWithSpec(spec));

        Assert.Equal(["m.yaml (document 1): " + expected], problems);
    }

    [Theory]
    [InlineData("Demo_Queue", "metadata.name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"Demo_Queue\"")]
    [InlineData("demo-", "metadata.name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"demo-\"")]
    [InlineData("\"\"", "metadata.name is required")]
    public void NameRule(string name, string expected)
    {
        var problems = ProblemsOf(Yaml.Queue.Replace("name: demo", "name: " + name, StringComparison.Ordinal));

        Assert.Equal(["m.yaml (document 1): " + expected], problems);
    }

    [Fact]
    public void SixtyFourCharacterNameIsTooLong()
    {
        var name = new string('a', 64);

        var problems = ProblemsOf(Yaml.Queue.Replace("name: demo", "name: " + name, StringComparison.Ordinal));

        Assert.Contains("at most 63 characters", Assert.Single(problems), StringComparison.Ordinal);
        Assert.Empty(ManifestLoader.Parse("ok.yaml", Yaml.Queue.Replace("name: demo", "name: " + name[1..], StringComparison.Ordinal)).Warnings);
    }

    [Fact]
    public void NamespaceMustBeADnsLabel()
    {
        var problems = ProblemsOf(Yaml.Queue + "\n  namespace: Team A");

        Assert.Equal(
            ["m.yaml (document 1): metadata.namespace must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \"Team A\""],
            problems);
    }

    [Fact]
    public void UnknownMetadataFieldIsAnErrorButServerFieldsAreNot()
    {
        var problems = ProblemsOf(Yaml.Queue + "\n  generateName: demo-\n  label:\n    a: b");

        Assert.Equal(["m.yaml (document 1): unknown field \"metadata.label\"; did you mean \"labels\"?"], problems);
    }

    [Fact]
    public void MisspelledTopLevelFieldIsReportedWithTheConsequence()
    {
        var problems = ProblemsOf("apiVersion: shoal.dev/v1alpha1\nkind: JobQueue\nmetdata:\n  name: demo\n");

        Assert.Equal(
            [
                "m.yaml (document 1): unknown field \"metdata\"; did you mean \"metadata\"?",
                "m.yaml (document 1): metadata.name is required",
            ],
            problems);
    }

    [Fact]
    public void PoolWithoutJobQueueRefNamesTheMissingField()
    {
        var problems = ProblemsOf(Yaml.Queue + "\n---\napiVersion: shoal.dev/v1alpha1\nkind: WorkerPool\nmetadata:\n  name: p\nspec:\n  maxWorkers: 2\n");

        Assert.Equal(["m.yaml (document 2): spec.jobQueueRef.name is required: the name of the JobQueue this pool's workers take jobs from"], problems);
    }

    [Fact]
    public void PoolWithoutSpecSaysWhatItNeeds()
    {
        var problems = ProblemsOf("apiVersion: shoal.dev/v1alpha1\nkind: WorkerPool\nmetadata:\n  name: p\n");

        Assert.Equal(
            [
                "m.yaml (document 1): spec is required: a WorkerPool needs at least spec.jobQueueRef.name",
                "m.yaml (document 1): spec.jobQueueRef.name is required: the name of the JobQueue this pool's workers take jobs from",
            ],
            problems);
    }

    [Theory]
    [InlineData("apiVersion: shoal.dev/v1\nkind: JobQueue\nmetadata:\n  name: q\n", "apiVersion must be shoal.dev/v1alpha1, got \"shoal.dev/v1\"")]
    [InlineData("apiVersion: shoal.dev/v1alpha1\nkind: JobQeue\nmetadata:\n  name: q\n", "kind must be JobQueue or WorkerPool for apiVersion shoal.dev/v1alpha1, got \"JobQeue\"")]
    [InlineData("apiVersion: shoal.dev/v1alpha1\nmetadata:\n  name: q\n", "kind is required: every manifest names its apiVersion (shoal.dev/v1alpha1) and kind (JobQueue or WorkerPool)")]
    [InlineData("kind: JobQueue\nmetadata:\n  name: q\n", "apiVersion is required: every manifest names its apiVersion (shoal.dev/v1alpha1) and kind (JobQueue or WorkerPool)")]
    [InlineData("- just\n- a list\n", "a manifest must be a mapping with apiVersion, kind, metadata and spec, got a list")]
    public void DocumentShapeRule(string yaml, string expected)
    {
        Assert.Equal(["m.yaml (document 1): " + expected], ProblemsOf(yaml));
    }

    [Fact]
    public void EveryProblemInEveryDocumentIsReportedTogether()
    {
        var yaml = Yaml.QueueWithSpec("  leaseSeconds: 0\n  deletionPolicy: Keep") + "\n---\n" + Yaml.Pool("  maxWorkers: -1\n  jobsPerWorker: 0\n  capacity: cheap");

        var problems = ProblemsOf(yaml);

        Assert.Equal(
            [
                "m.yaml (document 1): spec.leaseSeconds must be an integer >= 1, got 0",
                "m.yaml (document 1): spec.deletionPolicy must be one of Retain, Delete, got \"Keep\"",
                "m.yaml (document 2): spec.maxWorkers must be an integer >= 0, got -1",
                "m.yaml (document 2): spec.jobsPerWorker must be an integer >= 1, got 0",
                "m.yaml (document 2): spec.capacity must be one of spot, on-demand, spot-then-on-demand, got \"cheap\"",
            ],
            problems);
    }

    [Fact]
    public void TypeErrorDoesNotProduceACrossFieldErrorAgainstADefault()
    {
        // maxWorkers fails to bind, so it stays at its default (10); min 12 > 10 is not what the user wrote.
        var problems = ProblemsOf(Yaml.Queue + "\n---\n" + Yaml.Pool("  minWorkers: 12\n  maxWorkers: \"20\""));

        Assert.Equal(["m.yaml (document 2): spec.maxWorkers must be an integer, got \"20\" (a quoted string; remove the quotes)"], problems);
    }

    [Fact]
    public void ExplicitStringTagMakesANumberText()
    {
        var set = ManifestLoader.Parse("m.yaml", Yaml.QueueWithSpec("  jobDefaults:\n    successString: !!str 123"));

        Assert.Equal("123", set.JobQueues[0].Spec.JobDefaults.SuccessString);
    }

    [Fact]
    public void ExplicitNullKeepsTheDefault()
    {
        var set = ManifestLoader.Parse("m.yaml", Yaml.QueueWithSpec("  leaseSeconds: ~\n  jobDefaults:\n    retry: null"));

        Assert.Equal(300, set.JobQueues[0].Spec.LeaseSeconds);
        Assert.Equal(3, set.JobQueues[0].Spec.JobDefaults.Retry);
    }

    [Fact]
    public void PoolPlatformDifferentFromQueueDefaultIsAWarning()
    {
        var set = ManifestLoader.Parse("m.yaml", Yaml.Queue + "\n---\n" + Yaml.Pool("  platform: windows"));

        Assert.Equal(
            ["m.yaml (document 2): spec.platform is windows but JobQueue \"demo\" defaults jobs to linux; jobs without their own ssm_document will get the linux shell"],
            set.Warnings);
    }

    [Fact]
    public void FullyValidAwsPoolLoads()
    {
        var spec = """
              minWorkers: 1
              maxWorkers: 1000
              jobsPerWorker: 4
              idleTimeoutSeconds: 120
              template:
                amiParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
                instanceRequirements:
                  vcpuMin: 2
                  vcpuMax: 8
                  memoryMiBMin: 4096
                subnets: [subnet-0123456789abcdef0, subnet-0fedcba987654321f]
                securityGroups: [sg-0123456789abcdef0]
                instanceProfile: shoal-worker
                userData: |
                  #!/bin/bash
                  echo ready
                tags:
                  team: render
                  cost-center: "42"
              capacity: spot-then-on-demand
              allocationStrategy: capacity-optimized
              maxJobsPerWorker: 50
              maxLifetimeSeconds: 86400
            """;

        var set = ManifestLoader.Parse("m.yaml", Yaml.Queue + "\n---\n" + Yaml.Pool(spec));

        var pool = set.WorkerPools[0].Spec;
        Assert.Equal(1000, pool.MaxWorkers);
        Assert.Equal(8, pool.Template!.InstanceRequirements!.VcpuMax);
        Assert.Equal(["subnet-0123456789abcdef0", "subnet-0fedcba987654321f"], pool.Template.Subnets!);
        Assert.Equal("#!/bin/bash\necho ready\n", pool.Template.UserData);
        Assert.Equal("42", pool.Template.Tags!["cost-center"]);
        Assert.Equal("spot-then-on-demand", pool.Capacity);
        Assert.Equal(86400, pool.MaxLifetimeSeconds);
    }
}

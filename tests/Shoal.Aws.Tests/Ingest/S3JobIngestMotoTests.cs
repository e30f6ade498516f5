using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using Shoal.Aws.Errors;
using Shoal.Aws.Ingest;
using Shoal.Aws.Queue;
using Shoal.Aws.Sdk;
using Shoal.Aws.Tests.Moto;
using Shoal.Core.Jobs;

namespace Shoal.Aws.Tests.Ingest;

/// <summary>
/// S3 → SQS → S3JobIngest → job queue, with moto's real bucket notifications (it %-encodes '/' in
/// keys, which real S3 does not, and sends the s3:TestEvent on set-up as S3 does). moto does not
/// check the queue policy, so that S3 may really send is not proven here.
/// </summary>
public sealed class S3JobIngestMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private const string Bucket = "drop";

    private AwsClients clients = null!;
    private SqsApi api = null!;
    private AwsRetry retry = null!;
    private InMemoryJobLedger ledger = null!;
    private SqsJobQueue jobs = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        clients = moto.NewClients();
        api = new SqsApi(clients.Sqs);
        retry = new AwsRetry(TimeProvider.System);
        ledger = new InMemoryJobLedger();
        await clients.S3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        var urls = await new SqsQueueProvisioner(api, retry).EnsureAsync(new SqsQueueSpec { Name = "jobs" }, CancellationToken.None);
        jobs = new SqsJobQueue(api, urls, retry, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        clients.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Set_up_creates_the_ingest_queue_with_a_policy_for_S3_and_the_bucket_notification()
    {
        var setup = await Provisioner().EnsureAsync(new S3IngestSpec { Bucket = Bucket, QueueName = "ingest", Prefix = "jobs/" }, CancellationToken.None);

        var policy = JsonNode.Parse((await clients.Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = setup.QueueUrl, AttributeNames = ["Policy"] })).Attributes["Policy"])!;
        var statement = policy["Statement"]![0]!;
        Assert.Equal("s3.amazonaws.com", statement["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal("sqs:SendMessage", statement["Action"]!.GetValue<string>());
        Assert.Equal(setup.QueueArn, statement["Resource"]!.GetValue<string>());
        Assert.Equal("arn:aws:s3:::drop", statement["Condition"]!["ArnLike"]!["aws:SourceArn"]!.GetValue<string>());

        var notification = Assert.Single((await clients.S3.GetBucketNotificationAsync(Bucket)).QueueConfigurations);
        Assert.Equal((setup.NotificationId, setup.QueueArn), (notification.Id, notification.Queue));
        Assert.Equal(
            [("prefix", "jobs/"), ("suffix", ".sh")],
            notification.Filter.S3KeyFilter.FilterRules.Select(r => (r.Name.ToString().ToLowerInvariant(), r.Value)).OrderBy(r => r.Item1));
    }

    [Fact]
    public async Task The_test_event_of_the_set_up_is_dropped()
    {
        var ingest = await IngestAsync();
        Assert.Equal(1, await DepthAsync(ingest.Url));

        Assert.Equal(0, await ingest.Ingest.PollAsync(CancellationToken.None));

        Assert.Equal(0, await DepthAsync(ingest.Url));
        Assert.True((await jobs.GetDepthAsync(CancellationToken.None)).IsEmpty);
    }

    [Fact]
    public async Task An_uploaded_executable_becomes_one_job_named_by_its_decoded_key()
    {
        var ingest = await IngestAsync();
        const string folder = "jobs/run 1/ü+x's";
        await PutAsync($"{folder}/input.txt", "data");
        await PutAsync($"{folder}/run.sh", "#!/bin/sh\necho hi\n");
        await PutAsync("other/elsewhere/run.sh", "#!/bin/sh\n");

        Assert.Equal(1, await ingest.Ingest.PollAsync(CancellationToken.None));

        var message = Assert.Single(await jobs.ReceiveAsync(10, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));
        var spec = JobMessageParser.Parse(message.Body, new JobDefaults()).Job!;
        Assert.Equal($"{folder}/run.sh", spec.JobId);
        Assert.Equal(Bucket, spec.Env["SHOAL_INGEST_BUCKET"]);
        Assert.Equal(folder, spec.Env["SHOAL_INGEST_PREFIX"]);
        Assert.Equal("run.sh", spec.Env["SHOAL_INGEST_EXE"]);
        Assert.Equal(JobStatus.Queued, (await ledger.GetAsync($"{folder}/run.sh", CancellationToken.None))!.Status);
        Assert.Equal(0, await DepthAsync(ingest.Url));
    }

    [Fact]
    public async Task Duplicate_events_of_one_upload_make_one_job()
    {
        var ingest = await IngestAsync();
        await ingest.Ingest.PollAsync(CancellationToken.None);
        await PutAsync("jobs/a/run.sh", "#!/bin/sh\n");

        // S3 delivers at least once: replay the very event message twice more.
        var original = Assert.Single((await clients.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = ingest.Url, WaitTimeSeconds = 1 })).Messages);
        await clients.Sqs.ChangeMessageVisibilityAsync(ingest.Url, original.ReceiptHandle, 0);
        await clients.Sqs.SendMessageAsync(ingest.Url, original.Body);
        await clients.Sqs.SendMessageAsync(ingest.Url, original.Body);
        Assert.Contains("%2F", original.Body, StringComparison.Ordinal); // moto encodes '/', and the job id below is decoded

        var submitted = 0;
        for (var poll = 0; poll < 3 && await DepthAsync(ingest.Url) > 0; poll++)
        {
            submitted += await ingest.Ingest.PollAsync(CancellationToken.None);
        }

        Assert.Equal(1, submitted);
        Assert.Equal(0, await DepthAsync(ingest.Url));
        var message = Assert.Single(await jobs.ReceiveAsync(10, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));
        Assert.Equal("jobs/a/run.sh", JobMessageParser.Parse(message.Body, new JobDefaults()).Job!.JobId);
        Assert.Equal(1, ledger.Writes);
    }

    [Fact]
    public async Task An_upload_of_the_same_key_again_does_not_run_the_job_again()
    {
        var ingest = await IngestAsync();
        await PutAsync("jobs/a/run.sh", "v1");
        await ingest.Ingest.PollAsync(CancellationToken.None);
        await PutAsync("jobs/a/run.sh", "v2");

        await ingest.Ingest.PollAsync(CancellationToken.None);

        Assert.Single(await jobs.ReceiveAsync(10, TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Set_up_is_idempotent_and_keeps_the_bucket_s_other_notifications()
    {
        var theirs = (await clients.Sqs.CreateQueueAsync("audit")).QueueUrl;
        var theirArn = (await clients.Sqs.GetQueueAttributesAsync(theirs, ["QueueArn"])).QueueARN;
        await clients.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = Bucket,
            QueueConfigurations = [new QueueConfiguration { Id = "audit", Queue = theirArn, Events = [EventType.ObjectCreatedAll], Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", "logs/")] } } }],
        });

        var first = await Provisioner().EnsureAsync(new S3IngestSpec { Bucket = Bucket, QueueName = "ingest" }, CancellationToken.None);
        var second = await Provisioner().EnsureAsync(new S3IngestSpec { Bucket = Bucket, QueueName = "ingest", ExecutableSuffix = ".run" }, CancellationToken.None);

        Assert.Equal(first, second);
        var configurations = (await clients.S3.GetBucketNotificationAsync(Bucket)).QueueConfigurations;
        Assert.Equal(["audit", first.NotificationId], configurations.Select(c => c.Id).Order());
        Assert.Equal(".run", configurations.Single(c => c.Id == first.NotificationId).Filter.S3KeyFilter.FilterRules.Single().Value);
    }

    [Fact]
    public async Task An_existing_ingest_queue_is_used_by_url()
    {
        var existing = (await clients.Sqs.CreateQueueAsync("their-ingest")).QueueUrl;

        var setup = await Provisioner().EnsureAsync(new S3IngestSpec { Bucket = Bucket, QueueUrl = existing }, CancellationToken.None);

        Assert.Equal(existing, setup.QueueUrl);
        Assert.Single((await clients.S3.GetBucketNotificationAsync(Bucket)).QueueConfigurations);
    }

    [Fact]
    public async Task A_missing_bucket_is_reported_with_what_to_check()
    {
        var error = await Assert.ThrowsAsync<SqsSetupException>(() => Provisioner().EnsureAsync(new S3IngestSpec { Bucket = "no-such-bucket", QueueName = "ingest" }, CancellationToken.None));

        Assert.Equal("NotFound", error.Reason);
        Assert.Contains("no-such-bucket", error.Message, StringComparison.Ordinal);
        Assert.Contains("exists", error.Message, StringComparison.Ordinal);
    }

    private S3IngestProvisioner Provisioner() => new(api, clients.S3, retry);

    private async Task<(S3JobIngest Ingest, string Url)> IngestAsync()
    {
        var setup = await Provisioner().EnsureAsync(new S3IngestSpec { Bucket = Bucket, QueueName = "ingest", Prefix = "jobs/" }, CancellationToken.None);
        var ingest = new S3JobIngest(api, new S3IngestOptions { QueueUrl = setup.QueueUrl, Bucket = Bucket, Prefix = "jobs/" }, jobs, ledger, retry, TimeProvider.System);
        return (ingest, setup.QueueUrl);
    }

    private Task PutAsync(string key, string content) =>
        clients.S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = content });

    private async Task<int> DepthAsync(string url)
    {
        var attributes = await api.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], CancellationToken.None);
        return attributes.Values.Sum(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture));
    }
}

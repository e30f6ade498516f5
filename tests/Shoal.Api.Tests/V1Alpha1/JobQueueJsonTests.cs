using System.Text.Json;
using System.Text.Json.Nodes;
using Shoal.Api.V1Alpha1;

namespace Shoal.Api.Tests.V1Alpha1;

public sealed class JobQueueJsonTests
{
    [Fact]
    public void EmptySpecDeserializesToTheDocumentedDefaults()
    {
        var queue = JsonSerializer.Deserialize<JobQueue>("""{"apiVersion":"shoal.dev/v1alpha1","kind":"JobQueue","metadata":{"name":"q"},"spec":{}}""")!;

        var spec = queue.Spec;
        Assert.Null(spec.QueueUrl);
        Assert.Null(spec.QueueName);
        Assert.Null(spec.TableName);
        Assert.Equal(1000, spec.DeadLetter.MaxReceiveCount);
        Assert.True(spec.FinishedQueue.Enabled);
        Assert.Equal(3, spec.JobDefaults.Retry);
        Assert.Equal("linux", spec.JobDefaults.Platform);
        Assert.Null(spec.JobDefaults.SuccessString);
        Assert.Null(spec.JobDefaults.Document);
        Assert.Null(spec.JobDefaults.TimeoutSeconds);
        Assert.Equal(10, spec.MaxInterruptions);
        Assert.Equal(300, spec.LeaseSeconds);
        Assert.Null(spec.Ingest);
        Assert.Equal(14, spec.Retention.Days);
        Assert.Equal("Retain", spec.DeletionPolicy);
        Assert.Null(queue.Status);
    }

    [Fact]
    public void DefaultQueueSerializesCamelCaseAndOmitsUnsetOptionalFields()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(new JobQueue { Metadata = new ObjectMeta { Name = "demo" } }))!.AsObject();

        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], json.Select(p => p.Key));
        Assert.Equal("shoal.dev/v1alpha1", (string?)json["apiVersion"]);
        Assert.Equal("JobQueue", (string?)json["kind"]);
        Assert.Equal("""{"name":"demo"}""", json["metadata"]!.ToJsonString());
        var spec = json["spec"]!.AsObject();
        Assert.Equal(
            ["deadLetter", "finishedQueue", "jobDefaults", "maxInterruptions", "leaseSeconds", "retention", "deletionPolicy"],
            spec.Select(p => p.Key));
        Assert.Equal(1000, (int)spec["deadLetter"]!["maxReceiveCount"]!);
        Assert.True((bool)spec["finishedQueue"]!["enabled"]!);
        Assert.Equal("""{"retry":3,"platform":"linux"}""", spec["jobDefaults"]!.ToJsonString());
    }

    [Fact]
    public void FullyPopulatedQueueRoundTripsWithoutLoss()
    {
        const string Json = """
            {
              "apiVersion": "shoal.dev/v1alpha1",
              "kind": "JobQueue",
              "metadata": {
                "name": "render",
                "namespace": "team-a",
                "labels": { "app": "render" },
                "annotations": { "note": "x" },
                "generation": 7,
                "resourceVersion": "123",
                "uid": "0d6f7c1e-1111-2222-3333-444455556666",
                "creationTimestamp": "2025-03-01T10:00:00+00:00",
                "finalizers": ["shoal.dev/queue"],
                "deletionTimestamp": "2025-03-02T10:00:00+00:00"
              },
              "spec": {
                "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/render",
                "queueName": "render-q",
                "deadLetter": { "maxReceiveCount": 5 },
                "finishedQueue": { "enabled": false },
                "tableName": "render-table",
                "jobDefaults": { "retry": 0, "successString": "DONE", "document": "AWS-RunPowerShellScript", "timeoutSeconds": 900, "platform": "windows" },
                "maxInterruptions": 4,
                "leaseSeconds": 60,
                "ingest": { "bucket": "render-in", "prefix": "jobs/", "executableSuffix": ".ps1", "platform": "windows", "localPath": "/tmp/in" },
                "retention": { "days": 3 },
                "deletionPolicy": "Delete"
              },
              "status": {
                "observedGeneration": 7,
                "queueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/render",
                "deadLetterQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/render-dlq",
                "finishedQueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/render-finished",
                "tableName": "render-table",
                "counts": { "queued": 1, "running": 2, "succeeded": 30000000000, "failed": 4, "deadLettered": 5 },
                "workers": 6,
                "conditions": [
                  { "type": "Ready", "status": "True", "observedGeneration": 7, "lastTransitionTime": "2025-03-01T10:05:00+00:00", "reason": "QueueReady", "message": "ok" }
                ]
              }
            }
            """;

        var queue = JsonSerializer.Deserialize<JobQueue>(Json)!;
        var again = JsonSerializer.Serialize(queue);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Json), JsonNode.Parse(again)), again);
        Assert.Equal("windows", queue.Spec.JobDefaults.Platform);
        Assert.Equal("/tmp/in", queue.Spec.Ingest!.LocalPath);
        Assert.Equal(30_000_000_000, queue.Status!.Counts.Succeeded);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 5, 0, TimeSpan.Zero), queue.Status.Conditions[0].LastTransitionTime);
    }

    [Fact]
    public void StatusSerializesCountsAndEmptyConditions()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(new JobQueueStatus { Workers = 2 }))!.AsObject();

        Assert.Equal(["observedGeneration", "counts", "workers", "conditions"], json.Select(p => p.Key));
        Assert.Equal("""{"queued":0,"running":0,"succeeded":0,"failed":0,"deadLettered":0}""", json["counts"]!.ToJsonString());
        Assert.Equal("[]", json["conditions"]!.ToJsonString());
    }
}

using Amazon.DynamoDBv2.Model;
using Amazon.EC2.Model;
using Amazon.S3.Model;
using Amazon.SimpleSystemsManagement.Model;
using Amazon.SQS.Model;

namespace Shoal.Aws.Tests.Moto;

/// <summary>Requests are counted on the wire, named by service and operation for every protocol AWS uses.</summary>
public sealed class AwsCallCounterTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task Every_request_is_counted_under_its_operation_name()
    {
        await moto.ResetAsync();
        using var clients = moto.NewClients();

        var queue = await clients.Sqs.CreateQueueAsync("counted");
        await clients.Sqs.SendMessageAsync(queue.QueueUrl, "a");
        await clients.Sqs.SendMessageAsync(queue.QueueUrl, "b");
        await clients.DynamoDb.ListTablesAsync(new ListTablesRequest());
        await clients.Ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
        await clients.Ssm.PutParameterAsync(new PutParameterRequest { Name = "/p", Value = "v", Type = "String" });
        await clients.S3.PutBucketAsync("counted-bucket");
        await clients.S3.PutObjectAsync(new PutObjectRequest { BucketName = "counted-bucket", Key = "k/x", ContentBody = "x" });

        var calls = clients.Counter.Calls;
        Assert.Equal(1, calls["SQS.CreateQueue"]);
        Assert.Equal(2, calls["SQS.SendMessage"]);
        Assert.Equal(1, calls["DynamoDB.ListTables"]);
        Assert.Equal(1, calls["EC2.DescribeVpcs"]);
        Assert.Equal(1, calls["SSM.PutParameter"]);
        Assert.Equal(1, calls["S3.PUTBucket"]);
        Assert.Equal(1, calls["S3.PUTObject"]);
        Assert.Equal(8, clients.Counter.Total);
        Assert.Empty(clients.Counter.Throttled);
    }
}

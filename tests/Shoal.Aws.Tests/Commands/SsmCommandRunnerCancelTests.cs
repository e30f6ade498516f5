using System.Net;
using Amazon.Runtime;

namespace Shoal.Aws.Tests.Commands;

/// <summary>CancelCommand outcomes moto cannot produce (it only answers 500); the 500 itself is proven against moto.</summary>
public sealed class SsmCommandRunnerCancelTests
{
    [Fact]
    public async Task Cancel_names_the_command_and_the_worker()
    {
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();

        await rig.Run(async r =>
        {
            await r.CancelAsync(handle, CancellationToken.None);
            return 0;
        });

        Assert.Equal([(handle.CommandId, RunnerRig.Worker)], rig.Ssm.Cancels);
    }

    [Theory]
    [InlineData("InvalidCommandId", HttpStatusCode.BadRequest)]
    [InlineData("InvalidInstanceId", HttpStatusCode.BadRequest)]
    [InlineData("ThrottlingException", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.InternalServerError)]
    public async Task Nothing_to_cancel_or_cannot_cancel_now_is_logged_not_thrown(string code, HttpStatusCode status)
    {
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();
        rig.Ssm.CancelError = FakeSsmApi.Error(code, status);

        await rig.Run(async r =>
        {
            await r.CancelAsync(handle, CancellationToken.None);
            return 0;
        });

        Assert.Contains(rig.Log.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains(handle.CommandId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_permission_error_on_cancel_is_thrown_for_a_person_to_see()
    {
        var rig = new RunnerRig();
        var handle = await rig.StartCommand();
        rig.Ssm.CancelError = FakeSsmApi.Error("AccessDeniedException", HttpStatusCode.Forbidden);

        await Assert.ThrowsAsync<AmazonServiceException>(() => rig.Run(async r =>
        {
            await r.CancelAsync(handle, CancellationToken.None);
            return 0;
        }));
    }
}

using Shoal.Api.V1Alpha1;
using Shoal.Operator.Runtime;

namespace Shoal.Operator.Tests.Runtime;

public sealed class FinalizersTests
{
    private const string Ours = "shoal.dev/instance";
    private readonly FakeResourceClient client = new();

    [Fact]
    public async Task Add_patches_the_whole_list_with_the_resource_version_as_an_optimistic_lock()
    {
        var w = WithFinalizers("7", "other.io/keep");
        client.Items.Add(w);

        var patched = await Finalizers.AddAsync(client, w, Ours, CancellationToken.None);

        var patch = Assert.Single(client.Patches);
        Assert.Equal(("patch", Workers.Namespace, "w1"), (patch.Verb, patch.Namespace, patch.Name));
        Assert.Equal("""{"metadata":{"finalizers":["other.io/keep","shoal.dev/instance"],"resourceVersion":"7"}}""", patch.Json);
        Assert.Same(w, patched);
    }

    [Fact]
    public async Task Add_when_present_makes_no_call()
    {
        var w = WithFinalizers("7", Ours);

        var result = await Finalizers.AddAsync(client, w, Ours, CancellationToken.None);

        Assert.Empty(client.Patches);
        Assert.Same(w, result);
    }

    [Fact]
    public async Task Add_to_an_object_being_deleted_is_refused_with_what_to_do()
    {
        var w = WithFinalizers("7");
        w.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Finalizers.AddAsync(client, w, Ours, CancellationToken.None));

        Assert.Contains("being deleted", e.Message, StringComparison.Ordinal);
        Assert.Empty(client.Patches);
    }

    [Fact]
    public async Task Remove_keeps_the_other_finalizers()
    {
        var w = WithFinalizers("9", "a.io/x", Ours, "b.io/y");

        await Finalizers.RemoveAsync(client, w, Ours, CancellationToken.None);

        Assert.Equal("""{"metadata":{"finalizers":["a.io/x","b.io/y"],"resourceVersion":"9"}}""", Assert.Single(client.Patches).Json);
    }

    [Fact]
    public async Task Removing_the_last_one_sends_an_empty_list()
    {
        var w = WithFinalizers("9", Ours);

        await Finalizers.RemoveAsync(client, w, Ours, CancellationToken.None);

        Assert.Equal("""{"metadata":{"finalizers":[],"resourceVersion":"9"}}""", Assert.Single(client.Patches).Json);
    }

    [Fact]
    public async Task Remove_when_absent_makes_no_call_and_a_gone_object_comes_back_null()
    {
        var without = WithFinalizers("9");
        Assert.Same(without, await Finalizers.RemoveAsync(client, without, Ours, CancellationToken.None));
        Assert.Empty(client.Patches);

        // Not in client.Items: the fake answers the patch like a 404.
        var gone = WithFinalizers("9", Ours);
        Assert.Null(await Finalizers.RemoveAsync(client, gone, Ours, CancellationToken.None));
    }

    [Fact]
    public void Has_reads_the_list()
    {
        Assert.True(Finalizers.Has(WithFinalizers("1", "x", Ours), Ours));
        Assert.False(Finalizers.Has(WithFinalizers("1", "x"), Ours));
        Assert.False(Finalizers.Has(Workers.New("w1", "1"), Ours));
    }

    private static Worker WithFinalizers(string resourceVersion, params string[] finalizers)
    {
        var w = Workers.New("w1", resourceVersion);
        w.Metadata.Finalizers = [.. finalizers];
        return w;
    }
}

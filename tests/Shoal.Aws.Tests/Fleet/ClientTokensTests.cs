using Shoal.Aws.Fleet;

namespace Shoal.Aws.Tests.Fleet;

public sealed class ClientTokensTests
{
    [Fact]
    public void A_token_that_fits_is_kept_and_later_calls_add_their_number()
    {
        Assert.Equal("render-7", ClientTokens.ForCall("render-7", 1));
        Assert.Equal("render-7-2", ClientTokens.ForCall("render-7", 2));
    }

    [Fact]
    public void A_token_EC2_would_refuse_is_replaced_by_a_stable_hash_that_fits()
    {
        var longToken = new string('x', 70);

        var fitted = ClientTokens.ForCall(longToken, 12);

        Assert.True(fitted.Length <= 64);
        Assert.EndsWith("-12", fitted, StringComparison.Ordinal);
        Assert.Equal(fitted, ClientTokens.ForCall(longToken, 12));
        Assert.NotEqual(ClientTokens.ForCall(new string('y', 70), 12), fitted);
        Assert.DoesNotContain(' ', ClientTokens.ForCall("has space", 1));
    }

    [Fact]
    public void Coalesced_tokens_combine_to_one_that_ignores_order()
    {
        Assert.Equal("a", ClientTokens.Combine(["a"]));
        Assert.Equal(ClientTokens.Combine(["a", "b", "c"]), ClientTokens.Combine(["c", "a", "b"]));
        Assert.NotEqual(ClientTokens.Combine(["a", "b"]), ClientTokens.Combine(["a", "c"]));
    }
}

using MMForge.Dedup;
using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup;

/// <summary>Texts filed under their LSH band buckets: texts the LSH would compare share a bucket, and a bucket's members are linked.</summary>
public sealed class TextBandsTests
{
    private static readonly MinHashOptions Options = new();

    private static ulong[] Buckets(string text)
    {
        var signature = new uint[Options.Permutations];
        new MinHasher(Options).Compute(text, signature);
        var buckets = new ulong[Options.Bands];
        TextBands.BucketsOf(signature, Options, buckets);
        return buckets;
    }

    [Fact]
    public void Near_texts_share_a_bucket_and_unrelated_ones_none()
    {
        var text = "What is the colour of the large bus parked beside the station in this picture?";
        var near = Buckets(text.Replace("large", "big"));
        Assert.NotEmpty(Buckets(text).Intersect(near));
        Assert.Empty(Buckets("Name three animals that live in the desert and explain how they find water.").Intersect(near));
        // the same rows in two bands are two buckets
        Assert.Equal(Options.Bands, Buckets("").Distinct().Count());
    }

    [Fact]
    public void A_bucket_s_members_are_linked_to_its_first()
    {
        (int, ulong)[] entries = [(0, 7), (1, 9), (2, 7), (3, 5), (4, 9), (5, 7), (6, 1)];
        Assert.Equal([(0, 2), (0, 5), (1, 4)], TextBands.Links(entries).Order());
    }
}

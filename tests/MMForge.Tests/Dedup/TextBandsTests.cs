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
    public void A_bucket_s_members_are_linked_where_their_signatures_agree_as_the_lsh_verifies_them()
    {
        string[] texts =
        [
            "What is the colour of the large bus parked beside the station in this picture?",
            "Name three animals that live in the desert and explain how they find water.",
            "What is the colour of the big bus parked beside the station in this picture?",
            "Name three animals that live in the desert and explain how they find water!",
            "What is the colour of the large bus parked beside the station in this image?",
        ];
        var signatures = texts.Select(text =>
        {
            var signature = new uint[Options.Permutations];
            new MinHasher(Options).Compute(text, signature);
            return signature;
        }).ToArray();
        // one bucket holding everything: only the pairs whose signatures reach the threshold are linked
        int[] ordinals = [4, 3, 2, 1, 0];
        var links = TextBands.Links((ordinals, new ulong[5]), i => signatures[i], Options).Order().ToList();
        var verified = Enumerable.Range(0, 5).SelectMany(a => Enumerable.Range(a + 1, 4 - a).Select(b => (a, b)))
            .Where(p => MinHasher.Similarity(signatures[p.a], signatures[p.b]) >= Options.JaccardThreshold).ToList();
        Assert.Equal(verified, links);
        Assert.Contains((1, 3), links);
        Assert.DoesNotContain((0, 1), links);
        // in a bucket larger than the LSH compares in full, each member only with the lowest ordinal
        var many = Enumerable.Range(0, 40).ToArray();
        Assert.Equal(39, TextBands.Links((many, new ulong[40]), _ => signatures[0], Options).Count);
    }
}

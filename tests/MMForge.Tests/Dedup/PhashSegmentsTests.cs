using MMForge.Dedup;
using MMForge.Tests.Support;

namespace MMForge.Tests.Dedup;

/// <summary>The hashed samples filed under their pHash segments' partitions (<see cref="LinkEntries"/>): two near hashes always meet in one, and each partition reads back in input order.</summary>
public sealed class PhashSegmentsTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(4, 5)]
    [InlineData(6, 2)]
    [InlineData(6, 16)]
    public void Every_two_hashes_within_k_bits_share_a_partition(int k, int partitions)
    {
        var hashes = NearHashes.Planted(seed: k, randomCount: 1000, k, crowdCount: 200);
        var pairs = NearHashes.BruteForcePairs(hashes, k);
        Assert.NotEmpty(pairs);
        foreach (var (a, b) in pairs)
            Assert.True(Of(hashes[a], k, partitions).Intersect(Of(hashes[b], k, partitions)).Any(), $"{hashes[a]:X16} and {hashes[b]:X16} meet in no partition");
    }

    [Fact]
    public void A_sample_goes_once_to_each_partition_of_its_segments_and_they_spread()
    {
        var random = new Random(5);
        var hashes = Enumerable.Range(0, 20_000).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63)).ToArray();
        Assert.All(hashes, hash => Assert.Equal(Of(hash, 6, 4).Distinct().Count(), Of(hash, 6, 4).Length));
        var perPartition = hashes.SelectMany(hash => Of(hash, 6, 16)).GroupBy(p => p).Select(g => g.Count()).ToList();
        Assert.Equal(16, perPartition.Count);
        // a partition takes whole (segment, value) buckets, 7 x 512 of them for k = 6, so partitions differ by several percent
        Assert.True(perPartition.Max() < 1.25 * perPartition.Average() && perPartition.Min() > 0.75 * perPartition.Average(), string.Join(", ", perPartition));
    }

    [Fact]
    public void Each_partition_of_every_shard_reads_back_in_input_order_with_global_ordinals()
    {
        using var dir = TestPaths.NewTempDir();
        const int k = 6, partitions = 3;
        var hashes = NearHashes.Planted(seed: 9, randomCount: 500, k, crowdCount: 50);
        // two shards; every third sample has no pHash, so a shard's ordinals have gaps
        var shardSizes = new long[] { 300, hashes.Length - 300 };
        var files = new List<string>();
        for (var shard = 0; shard < 2; shard++)
        {
            files.Add(dir.File($"segments-{shard}.bin"));
            using var writer = new LinkEntries.Writer(files[^1], "params", partitions, (hash, into) => PhashSegments.PartitionsOf(hash, k, partitions, into), k + 1);
            for (var i = 0; i < shardSizes[shard]; i++)
            {
                var ordinal = (int)(shard * shardSizes[0]) + i;
                if (ordinal % 3 != 0) writer.Add(i, hashes[ordinal]);
            }
            writer.Complete();
        }
        Assert.Equal("params", LinkEntries.ParametersOf(files[0]));
        for (var p = 0; p < partitions; p++)
        {
            var expected = Enumerable.Range(0, hashes.Length).Where(i => i % 3 != 0 && Of(hashes[i], k, partitions).Contains(p)).Select(i => (i, hashes[i]));
            var (ordinals, values) = LinkEntries.Read(files, shardSizes, p);
            Assert.Equal(expected, ordinals.Zip(values));
        }
        Assert.Throws<InvalidDataException>(() => LinkEntries.Read(files, shardSizes, partitions));
    }

    private static int[] Of(ulong hash, int k, int partitions)
    {
        var into = new int[k + 1];
        return into[..PhashSegments.PartitionsOf(hash, k, partitions, into)];
    }
}

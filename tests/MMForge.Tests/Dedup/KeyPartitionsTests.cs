using System.Buffers;
using MMForge.Dedup;
using MMForge.Tests.Support;

namespace MMForge.Tests.Dedup;

/// <summary>A key shard's samples grouped by partition: each read back once, from its partition, in input order, with all its key holds.</summary>
public sealed class KeyPartitionsTests
{
    private const int Permutations = 8;

    private static KeyedSample Sample(int i, UInt128 exact)
    {
        uint[]? signature = null;
        if (i % 2 == 0)
        {
            signature = ArrayPool<uint>.Shared.Rent(Permutations);
            for (var p = 0; p < Permutations; p++) signature[p] = (uint)(i * 31 + p);
        }
        var key = new SampleKey(exact, (ulong)i * 977, i % 5 != 0, true, 0, i % 3 == 0 ? float.NaN : i / 10f, i * 7, i * 1000L);
        return new KeyedSample(key, $"id-{i}", $"source-{i % 6}", $"file-{i / 400}.jsonl", i % 6, i, signature);
    }

    private static List<KeyedSample> Write(string path, int partitions, Func<KeyedSample, int> partitionOf, int count)
    {
        var random = new Random(3);
        // few distinct keys, so equal keys must meet in one partition
        var keys = Enumerable.Range(0, 40).Select(_ => new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())).ToArray();
        var samples = Enumerable.Range(0, count).Select(i => Sample(i, keys[random.Next(keys.Length)])).ToList();
        using var writer = new KeyPartitions.Writer(path, "params", partitions, partitionOf, Permutations);
        foreach (var sample in samples) writer.Add(sample);
        writer.Complete();
        return samples;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_sample_is_read_back_once_from_its_partition_in_input_order(bool bySource)
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File(KeyPartitions.FileName);
        int PartitionOf(KeyedSample s) => bySource ? KeyPartitions.OfSource(s.Source, 4) : KeyPartitions.OfExactKey(s.Key.Exact, 4);
        var samples = Write(path, 4, PartitionOf, 1_000);

        Assert.Equal("params", KeyPartitions.ParametersOf(path));
        Assert.False(File.Exists(path + ".unsorted"), "the unsorted entries are removed");
        var table = KeyPartitions.ReadTable(path);
        Assert.Equal(1_000, table.Samples);
        var seen = new List<long>();
        for (var partition = 0; partition < 4; partition++)
        {
            var entries = KeyPartitions.Read(path, table, partition, Permutations).ToList();
            Assert.Equal(table.Counts[partition], entries.Count);
            Assert.All(entries, e => Assert.Equal(partition, PartitionOf(e.Sample)));
            Assert.Equal(entries.Select(e => e.ShardOrdinal).Order(), entries.Select(e => e.ShardOrdinal));
            foreach (var (read, ordinal) in entries)
            {
                var written = samples[(int)ordinal];
                Assert.Equal((written.Key with { Source = 0 }, written.File, written.Id, written.Source, written.SourceNumber, written.RecordNumber),
                    (read.Key, read.File, read.Id, read.Source, read.SourceNumber, read.RecordNumber));
                Assert.Equal(written.Signature?.Take(Permutations), read.Signature?.Take(Permutations));
            }
            seen.AddRange(entries.Select(e => e.ShardOrdinal));
        }
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), seen.Order());
        Assert.Throws<InvalidDataException>(() => KeyPartitions.Read(path, table, 4, Permutations).ToList());
    }

    [Fact]
    public void Partitions_of_several_shards_read_in_input_order_number_samples_after_the_shards_before()
    {
        using var dir = TestPaths.NewTempDir();
        var files = new[] { dir.File("a.bin"), dir.File("b.bin") };
        Write(files[0], 2, s => KeyPartitions.OfExactKey(s.Key.Exact, 2), 300);
        Write(files[1], 2, s => KeyPartitions.OfExactKey(s.Key.Exact, 2), 200);

        var tables = files.Select(KeyPartitions.ReadTable).ToList();
        var both = Enumerable.Range(0, 2).SelectMany(p => KeyPartitions.InInputOrder(files, tables, p, Permutations)).ToList();
        Assert.Equal(Enumerable.Range(0, 500), both.Select(s => s.Ordinal).Order());
        Assert.All(both, s => Assert.Equal(s.Ordinal % 300, (int)s.Sample.RecordNumber)); // record numbers restart in each shard's file here
        Assert.Equal(both.Count(s => KeyPartitions.OfExactKey(s.Sample.Key.Exact, 2) == 1), tables.Sum(t => t.Counts[1]));
    }

    [Fact]
    public void A_shard_without_samples_has_every_partition_empty()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File(KeyPartitions.FileName);
        using (var writer = new KeyPartitions.Writer(path, "params", 3, _ => 0, Permutations)) writer.Complete();

        var table = KeyPartitions.ReadTable(path);
        Assert.Equal(0, table.Samples);
        Assert.All(Enumerable.Range(0, 3), p => Assert.Empty(KeyPartitions.Read(path, table, p, Permutations)));
    }

    [Fact]
    public void A_file_that_is_not_a_partition_file_is_refused_by_name()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("keys.bin");
        File.WriteAllBytes(path, [5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o']);
        Assert.Null(KeyPartitions.ParametersOf(path));
        Assert.Contains("keys.bin is not an mmforge dedup key partition file", Assert.Throws<InvalidDataException>(() => KeyPartitions.ReadTable(path)).Message);
    }
}

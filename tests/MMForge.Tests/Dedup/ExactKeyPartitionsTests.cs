using MMForge.Dedup;
using MMForge.Tests.Support;

namespace MMForge.Tests.Dedup;

/// <summary>A key shard's samples grouped by exact-key partition: each read back once, from its key's partition, in input order, with all it names.</summary>
public sealed class ExactKeyPartitionsTests
{
    private static KeyedSample Sample(int i, UInt128 exact) =>
        new(new SampleKey(exact, 0, false, true, 0, i % 3 == 0 ? float.NaN : i / 10f, i * 7, i * 1000L), $"id-{i}", $"source-{i % 2}", $"file-{i / 400}.jsonl", i % 2, i, null);

    [Fact]
    public void Every_sample_is_read_back_once_from_the_partition_of_its_key_in_input_order()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File(ExactKeyPartitions.FileName);
        var random = new Random(3);
        // few distinct keys, so equal keys must meet in one partition
        var keys = Enumerable.Range(0, 40).Select(_ => new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64())).ToArray();
        var samples = Enumerable.Range(0, 1_000).Select(i => Sample(i, keys[random.Next(keys.Length)])).ToList();
        using (var writer = new ExactKeyPartitions.Writer(path, "params", 4))
        {
            foreach (var sample in samples) writer.Add(sample);
            writer.Complete();
        }

        Assert.Equal("params", ExactKeyPartitions.ParametersOf(path));
        Assert.False(File.Exists(path + ".unsorted"), "the unsorted entries are removed");
        var table = ExactKeyPartitions.ReadTable(path);
        Assert.Equal(1_000, table.Samples);
        var seen = new List<long>();
        for (var partition = 0; partition < 4; partition++)
        {
            var entries = ExactKeyPartitions.Read(path, table, partition).ToList();
            Assert.NotEmpty(entries);
            Assert.All(entries, e => Assert.Equal(partition, ExactKeyPartitions.PartitionOf(e.Exact, 4)));
            Assert.Equal(entries.Select(e => e.ShardOrdinal).Order(), entries.Select(e => e.ShardOrdinal));
            foreach (var entry in entries)
            {
                var sample = samples[(int)entry.ShardOrdinal];
                Assert.Equal((sample.Key.Exact, sample.Key.Member, sample.File, sample.Id, sample.Source), (entry.Exact, entry.Member, entry.File, entry.Id, entry.Source));
            }
            seen.AddRange(entries.Select(e => e.ShardOrdinal));
        }
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => (long)i), seen.Order());
        Assert.Throws<InvalidDataException>(() => ExactKeyPartitions.Read(path, table, 4).ToList());
    }

    [Fact]
    public void A_shard_without_samples_has_every_partition_empty()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File(ExactKeyPartitions.FileName);
        using (var writer = new ExactKeyPartitions.Writer(path, "params", 3)) writer.Complete();

        var table = ExactKeyPartitions.ReadTable(path);
        Assert.Equal(0, table.Samples);
        Assert.All(Enumerable.Range(0, 3), p => Assert.Empty(ExactKeyPartitions.Read(path, table, p)));
    }

    [Fact]
    public void A_file_that_is_not_a_partition_file_is_refused_by_name()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("keys.bin");
        File.WriteAllBytes(path, [5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o']);
        Assert.Null(ExactKeyPartitions.ParametersOf(path));
        Assert.Contains("keys.bin is not an mmforge dedup exact-key partition file", Assert.Throws<InvalidDataException>(() => ExactKeyPartitions.ReadTable(path)).Message);
    }
}

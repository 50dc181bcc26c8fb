namespace MMForge.Dedup.Text;

/// <summary>
/// One LSH band at a time: the band key (a 64-bit hash of the band's rows) and ordinal of every
/// sample, split by the key's high bits into small ranges of about <see cref="SamplesPerPartition"/>
/// and sorted within each, so samples whose band rows agree sit next to each other. Equal keys
/// always land in the same range, so ranges sort in cache and on any thread; together the
/// ranges sort the whole table by key. The arrays are reused from band to band: 20 bytes per sample.
/// </summary>
internal sealed class BandTable
{
    private const int SamplesPerPartition = 256;

    private readonly ulong[] unpartitioned;
    private readonly int[] nextSlot;

    public BandTable(int samples)
    {
        unpartitioned = new ulong[samples];
        Keys = new ulong[samples];
        Ordinals = new int[samples];
        var partitions = Math.Max(1, samples / SamplesPerPartition);
        PartitionStarts = new int[partitions + 1];
        nextSlot = new int[partitions];
    }

    public ulong[] Keys { get; }

    public int[] Ordinals { get; }

    /// <summary>Partition p holds the entries from PartitionStarts[p] up to PartitionStarts[p+1].</summary>
    private int[] PartitionStarts { get; }

    private int Partitions => PartitionStarts.Length - 1;

    /// <summary>
    /// Fills the table with band <paramref name="band"/> of every signature, partitioned and
    /// sorted; <paramref name="group"/> (when given) is mixed into every key, so only samples of
    /// the same group can ever share one.
    /// </summary>
    public void Fill(MappedRecords<uint> signatures, int band, int rows, Func<int, ulong>? group, ParallelOptions parallel)
    {
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, unpartitioned.Length, 1 << 14), parallel, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
                unpartitioned[i] = KeyOf(signatures[i].Slice(band * rows, rows), group?.Invoke(i) ?? 0);
        });
        Scatter();
        Parallel.For(0, Partitions, parallel, p =>
            Array.Sort(Keys, Ordinals, PartitionStarts[p], PartitionStarts[p + 1] - PartitionStarts[p]));
    }

    /// <summary>
    /// A 64-bit hash of a band's rows within a group: equal rows of the same group, equal keys;
    /// anything else collides with negligible odds.
    /// </summary>
    public static ulong KeyOf(ReadOnlySpan<uint> rows, ulong group)
    {
        // a multiply then an xor-shift per value, so every value reaches every bit of the key
        var h = (ulong)rows.Length ^ (group * 0xC2B2AE3D27D4EB4FUL);
        foreach (var value in rows)
        {
            h = (h + value) * 0x9E3779B97F4A7C15UL;
            h ^= h >> 29;
        }
        h *= 0xD6E8FEB86659FD93UL;
        return h ^ (h >> 32);
    }

    /// <summary>A counting sort by key range, keeping ordinal order inside each range.</summary>
    private void Scatter()
    {
        Array.Clear(PartitionStarts);
        foreach (var key in unpartitioned) PartitionStarts[PartitionOf(key) + 1]++;
        for (var p = 1; p < PartitionStarts.Length; p++) PartitionStarts[p] += PartitionStarts[p - 1];
        PartitionStarts.AsSpan(0, Partitions).CopyTo(nextSlot);
        for (var i = 0; i < unpartitioned.Length; i++)
        {
            var slot = nextSlot[PartitionOf(unpartitioned[i])]++;
            Keys[slot] = unpartitioned[i];
            Ordinals[slot] = i;
        }
    }

    /// <summary>The entries of chunk <paramref name="chunk"/> of <paramref name="chunks"/>: whole partitions, so no group is cut.</summary>
    public (int Start, int End) Chunk(int chunk, int chunks) =>
        (PartitionStarts[(int)((long)chunk * Partitions / chunks)], PartitionStarts[(int)((long)(chunk + 1) * Partitions / chunks)]);

    /// <summary>Maps the key's high bits onto the partitions; band keys are uniform, so ranges come out even.</summary>
    private int PartitionOf(ulong key) => (int)(((key >> 32) * (ulong)Partitions) >> 32);
}

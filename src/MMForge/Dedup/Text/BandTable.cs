namespace MMForge.Dedup.Text;

/// <summary>
/// One LSH band at a time: the band key (a 64-bit hash of the band's rows) and ordinal of every
/// sample, split into key ranges and sorted within each, so samples whose band rows agree sit
/// next to each other. Equal keys always land in the same range, so every range can be sorted
/// and scanned by its own thread. The arrays are reused from band to band: 20 bytes per sample.
/// </summary>
internal sealed class BandTable
{
    private readonly ulong[] unpartitioned;

    public BandTable(int samples, int partitions)
    {
        unpartitioned = new ulong[samples];
        Keys = new ulong[samples];
        Ordinals = new int[samples];
        PartitionStarts = new int[partitions + 1];
    }

    public ulong[] Keys { get; }

    public int[] Ordinals { get; }

    /// <summary>Partition p holds the entries from PartitionStarts[p] up to PartitionStarts[p+1].</summary>
    public int[] PartitionStarts { get; }

    public int Partitions => PartitionStarts.Length - 1;

    /// <summary>Fills the table with band <paramref name="band"/> of every signature, partitioned and sorted.</summary>
    public void Fill(MappedSignatures signatures, int band, int rows, ParallelOptions parallel)
    {
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, unpartitioned.Length, 1 << 14), parallel, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
                unpartitioned[i] = KeyOf(signatures[i].Slice(band * rows, rows));
        });
        Scatter();
        Parallel.For(0, Partitions, parallel, p =>
            Array.Sort(Keys, Ordinals, PartitionStarts[p], PartitionStarts[p + 1] - PartitionStarts[p]));
    }

    /// <summary>A 64-bit hash of a band's rows: equal rows, equal keys; different rows collide with negligible odds.</summary>
    public static ulong KeyOf(ReadOnlySpan<uint> rows)
    {
        // a multiply then an xor-shift per value, so every value reaches every bit of the key
        var h = (ulong)rows.Length;
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
        Span<int> next = stackalloc int[Partitions];
        PartitionStarts.AsSpan(0, Partitions).CopyTo(next);
        for (var i = 0; i < unpartitioned.Length; i++)
        {
            var slot = next[PartitionOf(unpartitioned[i])]++;
            Keys[slot] = unpartitioned[i];
            Ordinals[slot] = i;
        }
    }

    /// <summary>Maps the key's high bits onto the partitions; band keys are uniform, so ranges come out even.</summary>
    private int PartitionOf(ulong key) => (int)(((key >> 32) * (ulong)Partitions) >> 32);
}

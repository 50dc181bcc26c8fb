namespace MMForge.Dedup;

/// <summary>
/// The distinct hashes ordered by the value of one chunk (a counting sort), with an offset
/// table so that the bucket of any chunk value is one look-up away and its entries are contiguous.
/// </summary>
/// <remarks>
/// An entry holds the full hash (8 bytes) beside its ordinal (4 bytes) rather than the ordinal
/// alone: a bucket scan then reads contiguous memory, where an ordinal would cost a random
/// access into the hash array for every candidate, which dominates the search at 10M hashes.
/// The arrays are reused for each chunk, so only one chunk's index is held at a time.
/// </remarks>
internal sealed class ChunkIndex(int capacity, int bits)
{
    /// <summary>Bucket v is entries <c>Offsets[v] .. Offsets[v+1]-1</c>.</summary>
    public int[] Offsets { get; } = new int[(1 << bits) + 1];

    /// <summary>The entries' hashes, by chunk value and then (the sort is stable) by hash.</summary>
    public ulong[] Hashes { get; } = new ulong[capacity];

    /// <summary>The entries' sample ordinals.</summary>
    public int[] Ordinals { get; } = new int[capacity];

    public void Build(ReadOnlySpan<ulong> values, ReadOnlySpan<int> ordinals, ChunkLayout layout, int chunk)
    {
        var offsets = Offsets;
        Array.Clear(offsets);
        foreach (var value in values) offsets[layout.ValueOf(value, chunk) + 1]++;
        for (var v = 1; v < offsets.Length; v++) offsets[v] += offsets[v - 1];

        // scatter with offsets[v] as the write cursor of bucket v; afterwards each cursor stands at
        // the start of the next bucket, so shifting the table by one restores the starts
        for (var i = 0; i < values.Length; i++)
        {
            var at = offsets[layout.ValueOf(values[i], chunk)]++;
            Hashes[at] = values[i];
            Ordinals[at] = ordinals[i];
        }
        for (var v = offsets.Length - 1; v > 0; v--) offsets[v] = offsets[v - 1];
        offsets[0] = 0;
    }
}

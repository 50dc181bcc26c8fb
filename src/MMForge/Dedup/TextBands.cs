using MMForge.Dedup.Text;

namespace MMForge.Dedup;

/// <summary>
/// Where the key step files a sample's text for the reduce steps to link near texts across
/// sources (<see cref="LinkEntries"/>, <c>bands.bin</c>): one entry per LSH band, whose value
/// names the band's bucket (the band's key as <see cref="BandTable"/> computes it, with the
/// band's number), filed under the partition of that value. Two texts the LSH would compare share
/// a bucket, so they meet in its partition, where the bucket's members are linked.
/// </summary>
internal static class TextBands
{
    public const string FileName = "bands.bin";

    /// <summary>The bucket of each band of <paramref name="signature"/>, written to <paramref name="into"/> (one per band).</summary>
    public static void BucketsOf(ReadOnlySpan<uint> signature, MinHashOptions options, Span<ulong> into)
    {
        for (var band = 0; band < options.Bands; band++)
            into[band] = LinkEntries.Spread(BandTable.KeyOf(signature.Slice(band * options.RowsPerBand, options.RowsPerBand), group: 0) + (ulong)band);
    }

    /// <summary>A bucket's one partition (bucket values are uniform).</summary>
    public static int PartitionOf(ulong bucket, int partitions, Span<int> into)
    {
        into[0] = (int)(bucket % (uint)partitions);
        return 1;
    }

    /// <summary>Links that join every bucket's members (ordinal, bucket) to its first: what the LSH may compare is connected.</summary>
    public static List<(int A, int B)> Links(IEnumerable<(int Ordinal, ulong Bucket)> entries)
    {
        var (buckets, ordinals) = (new List<ulong>(), new List<int>());
        foreach (var (ordinal, bucket) in entries)
        {
            buckets.Add(bucket);
            ordinals.Add(ordinal);
        }
        var (keys, members) = (buckets.ToArray(), ordinals.ToArray());
        Array.Sort(keys, members);
        var links = new List<(int, int)>();
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            var first = int.MaxValue;
            for (var i = start; i < end; i++) first = Math.Min(first, members[i]);
            for (var i = start; i < end; i++)
                if (members[i] != first) links.Add((first, members[i]));
            start = end;
        }
        return links;
    }
}

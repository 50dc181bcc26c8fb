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

    /// <summary>
    /// Links between the members of every bucket (the entries' ordinals and buckets; sorted in place)
    /// whose signatures agree enough, compared as the LSH compares a band group
    /// (<see cref="BandCandidates.ForEachComparedPair"/>). So the links are the pairs one process's
    /// LSH verifies, and connect what its edges connect.
    /// </summary>
    public static List<(int A, int B)> Links((int[] Ordinals, ulong[] Buckets) entries, Func<int, ReadOnlySpan<uint>> signatureOf, MinHashOptions options)
    {
        var (ordinals, buckets) = entries;
        Array.Sort(buckets, ordinals);
        var links = new List<(int, int)>();
        var equalBits = new ulong[MinHasher.AgreementWords(options.Permutations)];
        Action<int, int> consider = (a, b) =>
        {
            if (MinHasher.Agreement(signatureOf(a), signatureOf(b), equalBits) >= options.MinEqualValues) links.Add((Math.Min(a, b), Math.Max(a, b)));
        };
        for (var start = 0; start < buckets.Length;)
        {
            var end = start + 1;
            while (end < buckets.Length && buckets[end] == buckets[start]) end++;
            var members = ordinals.AsSpan(start, end - start);
            // in input order, so a bucket's links come out in ordinal order
            members.Sort();
            BandCandidates.ForEachComparedPair(members, consider);
            start = end;
        }
        return links;
    }
}

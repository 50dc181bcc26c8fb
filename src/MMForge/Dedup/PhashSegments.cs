namespace MMForge.Dedup;

/// <summary>
/// Where the key step files a hashed sample for the reduce steps to link near images across
/// sources (<see cref="LinkEntries"/>, <c>segments.bin</c>). The 64 bits are cut into k + 1
/// segments; two hashes within k bits differ in at most k segments, so they agree exactly on one,
/// and a sample goes to the partition of each of its segments' values (once to each distinct
/// partition, at most k + 1). Two near samples thus always meet in one partition, where the
/// multi-index search links them.
/// </summary>
internal static class PhashSegments
{
    public const string FileName = "segments.bin";

    /// <summary>The distinct partitions of <paramref name="phash"/>'s k + 1 segments, written to <paramref name="into"/> (at least k + 1 long); returns how many.</summary>
    public static int PartitionsOf(ulong phash, int maxDistance, int partitions, Span<int> into)
    {
        var segments = maxDistance + 1;
        var found = 0;
        for (var segment = 0; segment < segments; segment++)
        {
            int low = segment * 64 / segments, high = (segment + 1) * 64 / segments;
            var value = (phash >> low) & (high - low == 64 ? ulong.MaxValue : (1UL << (high - low)) - 1);
            // a segment is at most 32 bits wide unless it is the only one, so the segment number above bit 58 keeps equal values of two segments apart
            var partition = (int)(LinkEntries.Spread(value ^ ((ulong)segment << 58)) % (uint)partitions);
            if (!into[..found].Contains(partition)) into[found++] = partition;
        }
        return found;
    }

    /// <summary>Links that connect every two of a partition's samples (their ordinals and pHashes, in input order) whose hashes are within k bits; the hashes are sorted in place.</summary>
    public static List<(int A, int B)> Links((int[] Ordinals, ulong[] Phashes) entries, int maxDistance, int threads)
    {
        var (ordinals, hashes) = entries;
        return [.. PhashNeighbors.FindInPlace(hashes, maxDistance, threads).Select(e => (ordinals[e.A], ordinals[e.B]))];
    }
}

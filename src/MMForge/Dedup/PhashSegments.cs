using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// The pHash side of a sharded global near-image dedup: each key shard's hashed samples filed
/// under the partitions of their pHash segments (<c>OUTPUT/keys/IIIII-of-NNNNN/segments.bin</c>),
/// so that the reduce step of partition p can link every two samples within k bits without any
/// step holding every pHash. The 64 bits are cut into k + 1 segments; two hashes within k bits
/// differ in at most k segments, so they agree exactly on one, and a sample goes to the partition
/// of each of its segments' values (once to each distinct partition). Two near samples thus
/// always meet in one partition.
/// </summary>
/// <remarks>
/// The file: a magic string, the dedup parameters, the position of the table; the sections,
/// partition after partition, each in the shard's input order; the table: the partition count
/// and the start of every section and the end of the last. An entry: the sample's ordinal in its
/// shard and its pHash (12 bytes).
/// </remarks>
internal static class PhashSegments
{
    public const string FileName = "segments.bin";
    private const string Magic = "mmforge-dedup-segments/1";

    /// <summary>The distinct partitions of <paramref name="phash"/>'s k + 1 segments, written to <paramref name="into"/> (at least k + 1 long); returns how many.</summary>
    public static int PartitionsOf(ulong phash, int maxDistance, int partitions, Span<int> into)
    {
        var segments = maxDistance + 1;
        var found = 0;
        for (var segment = 0; segment < segments; segment++)
        {
            int low = segment * 64 / segments, high = (segment + 1) * 64 / segments;
            var value = (phash >> low) & (high - low == 64 ? ulong.MaxValue : (1UL << (high - low)) - 1);
            var partition = (int)(Mix(value ^ ((ulong)segment << 58)) % (uint)partitions);
            if (!into[..found].Contains(partition)) into[found++] = partition;
        }
        return found;
    }

    /// <summary>SplitMix64's finalizer: segment values are far from uniform, their partitions must not be. (A segment is at most 32 bits wide unless it is the only one, so the segment number above bit 58 keeps equal values of two segments apart.)</summary>
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly record struct Entry(int Ordinal, ulong Phash);

    /// <summary>
    /// Takes a shard's hashed samples as they come (in input order) into a temporary file of
    /// fixed-width entries, then counts each partition's entries and writes every entry straight
    /// to its place in the final file through a memory map: no per-sample state in memory.
    /// </summary>
    public sealed class Writer(string path, string parameters, int partitions, int maxDistance) : IDisposable
    {
        private readonly RecordSpill<Entry> _entries = new(Path.GetDirectoryName(path)!, "dedup-segments", 1);

        public void Add(int shardOrdinal, ulong phash)
        {
            var entry = new Entry(shardOrdinal, phash);
            _entries.Append(new ReadOnlySpan<Entry>(in entry));
        }

        /// <summary>Writes the sectioned file (the temporary one goes when this is disposed).</summary>
        public unsafe void Complete()
        {
            using var unsorted = _entries.Count > 0 ? _entries.Map() : null;
            Span<int> into = stackalloc int[maxDistance + 1];
            var counts = new long[partitions];
            for (var i = 0; i < _entries.Count; i++)
                foreach (var partition in into[..PartitionsOf(unsorted![i][0].Phash, maxDistance, partitions, into)]) counts[partition]++;

            var header = Header();
            var sections = new long[partitions + 1];
            sections[0] = header.Length;
            for (var p = 0; p < partitions; p++) sections[p + 1] = sections[p] + counts[p] * Marshal.SizeOf<Entry>();
            var tablePosition = sections[^1];
            using (var map = MemoryMappedFile.CreateFromFile(path, FileMode.Create, null, tablePosition + sizeof(int) + 8L * sections.Length))
            using (var view = map.CreateViewAccessor())
            {
                byte* start = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
                try
                {
                    start += view.PointerOffset;
                    header.CopyTo(new Span<byte>(start, header.Length));
                    *(long*)(start + header.Length - sizeof(long)) = tablePosition;
                    var next = (long[])sections.Clone();
                    for (var i = 0; i < _entries.Count; i++)
                    {
                        var entry = unsorted![i][0];
                        foreach (var partition in into[..PartitionsOf(entry.Phash, maxDistance, partitions, into)])
                        {
                            *(Entry*)(start + next[partition]) = entry;
                            next[partition] += sizeof(Entry);
                        }
                    }
                    *(int*)(start + tablePosition) = partitions;
                    sections.CopyTo(new Span<long>(start + tablePosition + sizeof(int), sections.Length));
                }
                finally
                {
                    view.SafeMemoryMappedViewHandle.ReleasePointer();
                }
            }
        }

        public void Dispose() => _entries.Dispose();

        /// <summary>The magic, the parameters and room for the table's position, as <see cref="BinaryWriter"/> writes them.</summary>
        private byte[] Header()
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(parameters);
                writer.Write(0L);
            }
            return buffer.ToArray();
        }
    }

    /// <summary>The parameters a complete file was written with, or null when there is none.</summary>
    public static string? ParametersOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return reader.ReadString() == Magic ? reader.ReadString() : null;
    }

    /// <summary>
    /// Partition <paramref name="partition"/> of every shard's file (<paramref name="files"/>, in shard
    /// order; <paramref name="shardSamples"/>: how many samples each shard keyed) in input order, each
    /// hashed sample with its ordinal in the whole input.
    /// </summary>
    public static IEnumerable<(int Ordinal, ulong Phash)> InInputOrder(IReadOnlyList<string> files, IReadOnlyList<long> shardSamples, int partition)
    {
        long first = 0;
        for (var shard = 0; shard < files.Count; shard++)
        {
            using var reader = new BinaryReader(new FileStream(files[shard], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
            if (reader.ReadString() != Magic) throw new InvalidDataException($"{files[shard]} is not an mmforge dedup segment file");
            reader.ReadString();
            reader.BaseStream.Position = reader.ReadInt64();
            var partitions = reader.ReadInt32();
            if (partition >= partitions)
                throw new InvalidDataException($"{files[shard]} holds {partitions} partitions, not partition {partition}: it was written for another shard count");
            reader.BaseStream.Position += 8L * partition;
            var (start, end) = (reader.ReadInt64(), reader.ReadInt64());
            reader.BaseStream.Position = start;
            while (reader.BaseStream.Position < end)
            {
                var ordinal = reader.ReadInt32();
                yield return (checked((int)(first + ordinal)), reader.ReadUInt64());
            }
            first += shardSamples[shard];
        }
    }
}

using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// What a sharded dedup's key step files for its reduce steps to link the samples that may be near
/// duplicates across sources, without any step holding every key: entries of a sample's ordinal
/// in its shard and a 64-bit value (a pHash, a text's band bucket), each under one or more of N
/// partitions chosen from the value, so that two samples that must be compared meet in one
/// partition (<see cref="PhashSegments"/>, <see cref="TextBands"/>). One file per shard and kind,
/// beside its <see cref="KeyShardFile"/>.
/// </summary>
/// <remarks>
/// The file: a magic string, the dedup parameters, the position of the table; the sections,
/// partition after partition, each in the shard's input order; the table: the partition count
/// and the start of every section and the end of the last. An entry: the sample's ordinal in its
/// shard and the value (12 bytes).
/// </remarks>
internal static class LinkEntries
{
    private const string Magic = "mmforge-dedup-link-entries/1";

    /// <summary>The partitions an entry of <paramref name="value"/> goes to, written to the span given; returns how many (each once).</summary>
    public delegate int PartitionsOf(ulong value, Span<int> into);

    /// <summary>SplitMix64's finalizer: spreads values that are far from uniform (pHash segments) evenly over the partitions.</summary>
    public static ulong Spread(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly record struct Entry(int Ordinal, ulong Value);

    /// <summary>
    /// Takes a shard's entries as they come (in input order) into a temporary file of fixed-width
    /// entries, then counts each partition's entries and writes every entry straight to its place
    /// in the final file through a memory map: no per-sample state in memory.
    /// </summary>
    /// <param name="partitionsOf">Where an entry goes; at most <paramref name="maxPartitionsPerEntry"/> partitions.</param>
    public sealed class Writer(string path, string parameters, int partitions, PartitionsOf partitionsOf, int maxPartitionsPerEntry) : IDisposable
    {
        private readonly RecordSpill<Entry> _entries = new(Path.GetDirectoryName(path)!, "dedup-link-entries", 1);

        public void Add(int shardOrdinal, ulong value)
        {
            var entry = new Entry(shardOrdinal, value);
            _entries.Append(new ReadOnlySpan<Entry>(in entry));
        }

        /// <summary>Writes the sectioned file (the temporary one goes when this is disposed).</summary>
        public unsafe void Complete()
        {
            using var unsorted = _entries.Count > 0 ? _entries.Map() : null;
            Span<int> into = stackalloc int[maxPartitionsPerEntry];
            var counts = new long[partitions];
            for (var i = 0; i < _entries.Count; i++)
                foreach (var partition in into[..partitionsOf(unsorted![i][0].Value, into)]) counts[partition]++;

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
                        foreach (var partition in into[..partitionsOf(entry.Value, into)])
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
    public static string? ParametersOf(string path) => BinaryHeader.ParametersOf(path, Magic);

    /// <summary>
    /// Partition <paramref name="partition"/> of every shard's file (<paramref name="files"/>, in shard
    /// order; <paramref name="shardSamples"/>: how many samples each shard keyed) in input order, each
    /// entry's sample by its ordinal in the whole input; in arrays of exactly the section's size.
    /// </summary>
    public static (int[] Ordinals, ulong[] Values) Read(IReadOnlyList<string> files, IReadOnlyList<long> shardSamples, int partition)
    {
        var sections = files.Select(file => SectionOf(file, partition)).ToList();
        var count = checked((int)sections.Sum(section => (section.End - section.Start) / Marshal.SizeOf<Entry>()));
        var (ordinals, values) = (new int[count], new ulong[count]);
        var (at, first) = (0, 0L);
        for (var shard = 0; shard < files.Count; shard++)
        {
            using var reader = new BinaryReader(new FileStream(files[shard], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
            reader.BaseStream.Position = sections[shard].Start;
            for (; reader.BaseStream.Position < sections[shard].End; at++)
            {
                ordinals[at] = checked((int)(first + reader.ReadInt32()));
                values[at] = reader.ReadUInt64();
            }
            first += shardSamples[shard];
        }
        return (ordinals, values);
    }

    /// <summary>Where partition <paramref name="partition"/>'s entries lie in <paramref name="file"/>.</summary>
    private static (long Start, long End) SectionOf(string file, int partition)
    {
        using var reader = new BinaryReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read), Encoding.UTF8);
        if (reader.ReadString() != Magic) throw new InvalidDataException($"{file} is not an mmforge dedup link entry file");
        reader.ReadString();
        reader.BaseStream.Position = reader.ReadInt64();
        var partitions = reader.ReadInt32();
        if (partition >= partitions)
            throw new InvalidDataException($"{file} holds {partitions} partitions, not partition {partition}: it was written for another shard count");
        reader.BaseStream.Position += 8L * partition;
        return (reader.ReadInt64(), reader.ReadInt64());
    }
}

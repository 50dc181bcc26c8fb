using System.Buffers.Binary;
using MMForge.Formats;

namespace MMForge.Pipeline;

/// <summary>
/// Where each record of a stage's input lies in the input's bytes: the sources one after the
/// other, each as long as its file (a dataset directory as its data files in manifest order), a
/// record at its source's start plus its offset in the file. Files in the users' own formats carry
/// no record count, so ingest's shards are cut by these positions (<see cref="ShardSpec"/>): like
/// a cut by record number, it depends on the input alone and keeps each shard a contiguous run.
/// Offsets are clamped to their source, so a source of unknown length (a folder, offsets that are
/// not bytes of the file such as a COCO document's) falls to one shard whole: balance suffers,
/// never the partition.
/// </summary>
public sealed class InputPositions
{
    private sealed record Extent(long Start, long Size, Dictionary<string, long>? FileStarts);

    private readonly List<Extent> _sources = [];

    /// <summary>The input's length: the sum of its sources' sizes.</summary>
    public long Total { get; private set; }

    public static InputPositions Of(IEnumerable<OpenedSource> sources)
    {
        var positions = new InputPositions();
        foreach (var source in sources)
        {
            var (size, files) = source.DatasetManifest is { } manifest && source.File is { } dir
                ? DataFiles(dir, manifest)
                : (source.File is { } file && File.Exists(file) ? ReadableSize(file) : 0, null);
            positions._sources.Add(new Extent(positions.Total, size, files));
            positions.Total += size;
        }
        return positions;
    }

    /// <summary>The position of a record read from source number <paramref name="source"/> at <paramref name="location"/>.</summary>
    public long Of(int source, RecordLocation location)
    {
        var extent = _sources[source];
        var within = location.Offset + (extent.FileStarts?.GetValueOrDefault(location.File) ?? 0);
        return extent.Start + Math.Clamp(within, 0, Math.Max(0, extent.Size - 1));
    }

    /// <summary>A dataset's data files in manifest order, each starting where the one before ends.</summary>
    private static (long Size, Dictionary<string, long> FileStarts) DataFiles(string dir, Manifest manifest)
    {
        var starts = new Dictionary<string, long>(StringComparer.Ordinal);
        long size = 0;
        foreach (var data in manifest.Shards)
        {
            var path = Path.GetFullPath(Path.Combine(dir, data.File));
            starts[path] = size;
            size += File.Exists(path) ? ReadableSize(path) : 0;
        }
        return (size, starts);
    }

    /// <summary>
    /// The bytes a reader's offsets run over: the file's size, or for a gzip file the size its
    /// trailer declares (offsets count uncompressed bytes), when that is plausible: at least the
    /// compressed size and at most deflate's 1032:1; the trailer holds the size modulo 4 GiB, so a
    /// larger file falls back to its compressed size (balance suffers, not the partition).
    /// </summary>
    private static long ReadableSize(string path)
    {
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        Span<byte> head = stackalloc byte[2], tail = stackalloc byte[4];
        if (length < 18 || RandomAccess.Read(file, head, 0) != 2 || head[0] != 0x1f || head[1] != 0x8b || RandomAccess.Read(file, tail, length - 4) != 4) return length;
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        return declared >= length && declared <= length * 1032 ? declared : length;
    }
}

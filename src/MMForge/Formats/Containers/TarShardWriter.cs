using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using MMForge.Formats.Writers;

namespace MMForge.Formats.Containers;

/// <summary>
/// Writes samples as WebDataset tar shards, reproducibly: ustar headers with mtime 0, uid/gid 0,
/// no owner names and mode 0644, members in the order given, so the same samples give
/// byte-identical shards. A path containing <c>{shard}</c> is a pattern: a new shard
/// (000000, 000001, ...) starts every <see cref="SamplesPerShard"/> samples and each full shard
/// is moved into place as soon as it is finished; otherwise all samples go to the one path.
/// A <c>.gz</c> path is gzip-compressed.
/// </summary>
public sealed class TarShardWriter : IDisposable
{
    public const string ShardPlaceholder = "{shard}";
    public const int DefaultSamplesPerShard = 10_000;

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _pathPattern;
    private int _shard = -1;
    private long _samplesInShard;
    private AtomicFile? _file;
    private Stream? _stream;
    private TarWriter? _tar;

    public TarShardWriter(string pathPattern, int samplesPerShard = DefaultSamplesPerShard)
    {
        _pathPattern = pathPattern;
        SamplesPerShard = pathPattern.Contains(ShardPlaceholder, StringComparison.Ordinal) ? samplesPerShard : int.MaxValue;
    }

    public int SamplesPerShard { get; }

    /// <summary>Starts the next sample, opening a new shard first when the current one is full.</summary>
    public void BeginSample()
    {
        if (_tar is null || _samplesInShard >= SamplesPerShard)
        {
            FinishShard();
            OpenShard();
        }
        _samplesInShard++;
    }

    public void Add(string memberName, byte[] data)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, memberName)
        {
            ModificationTime = DateTimeOffset.UnixEpoch,
            Mode = FileMode,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
            DataStream = new MemoryStream(data, writable: false),
        };
        (_tar ?? throw new InvalidOperationException("BeginSample must come before Add")).WriteEntry(entry);
    }

    /// <summary>Finishes the last shard (an empty tar when no sample was written) and moves it into place.</summary>
    public void Complete()
    {
        if (_tar is null) OpenShard();
        FinishShard();
    }

    private void OpenShard()
    {
        _shard++;
        _samplesInShard = 0;
        var path = _pathPattern.Replace(ShardPlaceholder, _shard.ToString("D6", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        _file = new AtomicFile(path);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(_file.Stream, CompressionLevel.Optimal, leaveOpen: true)
            : _file.Stream;
        _tar = new TarWriter(_stream, TarEntryFormat.Ustar, leaveOpen: true);
    }

    private void FinishShard()
    {
        if (_tar is null) return;
        _tar.Dispose(); // writes the two zero blocks that end a tar
        if (_stream != _file!.Stream) _stream!.Dispose();
        _file.Commit();
        _tar = null;
        _stream = null;
        _file = null;
    }

    public void Dispose()
    {
        _tar?.Dispose();
        if (_stream != _file?.Stream) _stream?.Dispose();
        _file?.Dispose();
    }
}

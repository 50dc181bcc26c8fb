using System.IO.Compression;
using MMForge.Formats.Writers;

namespace MMForge.Pipeline;

/// <summary>
/// Writes a dataset directory: record lines into rotating shards, reject lines, and the
/// manifest. Everything is written into a sibling temporary directory that replaces the target
/// only on <see cref="Complete"/>, so an interrupted run leaves the previous output intact and
/// never a half-written dataset.
/// </summary>
public sealed class DatasetWriter : IDisposable
{
    private readonly string _target;
    private readonly string _temp;
    private readonly DatasetWriterOptions _options;
    private readonly FileStream _rejects;
    private Stream? _shard;
    private FileStream? _shardFile;
    private ShardInfo? _current;
    private bool _completed;

    public DatasetWriter(string dir, DatasetWriterOptions options)
    {
        _target = Path.GetFullPath(dir);
        _options = options;
        CheckTarget(_target);
        _temp = DirectorySwap.PrepareTemp(_target);
        Directory.CreateDirectory(Path.Combine(_temp, DatasetDirectory.DataFolder));
        Directory.CreateDirectory(Path.Combine(_temp, DatasetDirectory.RejectsFolder));
        _rejects = new FileStream(Path.Combine(_temp, DatasetDirectory.RejectsFile), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    private readonly List<ShardInfo> _shards = [];

    /// <summary>Refuses to replace a directory that holds something other than an mmforge dataset.</summary>
    private static void CheckTarget(string dir)
    {
        if (File.Exists(dir)) throw new ArgumentException($"output {dir} is a file, not a directory");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !DatasetDirectory.IsDataset(dir))
            throw new ArgumentException($"output directory {dir} is not empty and is not an mmforge dataset; refusing to replace it");
    }

    /// <summary>Appends one encoded record (a JSON object without the newline).</summary>
    public void WriteRecord(ReadOnlySpan<byte> json)
    {
        if (_current is null || _current.Records >= _options.ShardRecords) OpenShard();
        _shard!.Write(json);
        _shard.WriteByte((byte)'\n');
        _current!.Records++;
    }

    public void WriteReject(ReadOnlySpan<byte> json)
    {
        _rejects.Write(json);
        _rejects.WriteByte((byte)'\n');
    }

    private void OpenShard()
    {
        CloseShard();
        var name = $"{DatasetDirectory.DataFolder}/part-{_shards.Count:D5}.jsonl{(_options.Gzip ? ".gz" : "")}";
        _shardFile = new FileStream(Path.Combine(_temp, name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _shard = _options.Gzip ? new GZipStream(_shardFile, CompressionLevel.Fastest) : _shardFile;
        _current = new ShardInfo { File = name };
        _shards.Add(_current);
    }

    private void CloseShard()
    {
        if (_shard is null) return;
        _shard.Dispose();
        _current!.Bytes = new FileInfo(Path.Combine(_temp, _current.File)).Length;
        _shard = null;
        _shardFile = null;
    }

    /// <summary>
    /// Creates a file beside the shards (a stage's own report, such as dedup's clusters.jsonl);
    /// it moves into place with the dataset, so it is never seen without it.
    /// </summary>
    public FileStream CreateFile(string name) =>
        new(Path.Combine(_temp, name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);

    /// <summary>Closes every file, writes <paramref name="manifest"/> (with the shard list filled in) and moves the dataset into place.</summary>
    public void Complete(Manifest manifest)
    {
        CloseShard();
        _rejects.Dispose();
        manifest.Shards = _shards;
        File.WriteAllText(Path.Combine(_temp, Manifest.FileName), manifest.ToJson());
        DirectorySwap.Commit(_temp, _target);
        _completed = true;
    }

    public void Dispose()
    {
        if (_completed) return;
        _shard?.Dispose();
        _rejects.Dispose();
        DirectorySwap.Abandon(_temp);
    }
}

public sealed record DatasetWriterOptions
{
    /// <summary>Records per shard; shards are the unit later stages parallelise and resume on.</summary>
    public int ShardRecords { get; init; } = 100_000;
    public bool Gzip { get; init; }
}

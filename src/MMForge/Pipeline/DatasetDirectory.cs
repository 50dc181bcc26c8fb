using MMForge.Formats;
using MMForge.Formats.Codecs;
using MMForge.Formats.Containers;

namespace MMForge.Pipeline;

/// <summary>
/// An mmforge dataset directory: <c>manifest.json</c>, JSON Lines shards under <c>data/</c>
/// (optionally gzip), and <c>rejects/rejects.jsonl</c>. Any stage can start from one.
/// </summary>
public static class DatasetDirectory
{
    public const string DataFolder = "data";
    public const string RejectsFolder = "rejects";
    public const string RejectsFile = "rejects/rejects.jsonl";

    public static bool IsDataset(string path) => File.Exists(Path.Combine(path, Manifest.FileName));

    /// <summary>Opens the dataset's shards, in manifest order, as one source of mmforge records.</summary>
    public static OpenedSource Open(string path, SourceRequest request)
    {
        var manifest = Manifest.Load(path);
        var shards = manifest.Shards.Select(s => Resolve(path, s.File)).ToList();
        return new OpenedSource(request.SourceName ?? SourceOpener.DefaultSourceName(path), MMForgeCodec.Instance, ReadShards(shards, request.MaxRecordBytes))
        {
            File = path,
            Container = "dataset",
            DatasetManifest = manifest,
        };
    }

    private static string Resolve(string dir, string shard)
    {
        var full = Path.GetFullPath(Path.Combine(dir, shard));
        if (!full.StartsWith(Path.GetFullPath(dir) + "/", StringComparison.Ordinal))
            throw new FormatException($"{dir}/{Manifest.FileName} names a shard outside the dataset: {shard}");
        if (!File.Exists(full)) throw new FileNotFoundException($"{dir}: shard {shard} listed in the manifest is missing", full);
        return full;
    }

    private static IEnumerable<RawRecord> ReadShards(IEnumerable<string> shards, long maxRecordBytes)
    {
        foreach (var shard in shards)
            foreach (var record in JsonLinesSplitter.Split(SourceOpener.OpenRead(shard), shard, maxRecordBytes))
                yield return record;
    }
}

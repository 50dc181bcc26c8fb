using System.Security.Cryptography;
using System.Text;
using MMForge.Pipeline;

namespace MMForge.Recipes;

/// <summary>
/// The content hash that decides whether a stage must run again: its command line (with the run
/// directory written as <c>$RUN</c>, so a moved run keeps its fingerprints), the fingerprints of
/// the stages it reads (so a change anywhere upstream reruns everything after it), and what the
/// files its parameters name hold.
/// </summary>
public sealed class StageFingerprint
{
    /// <summary>Files up to this size are hashed by content; larger ones (raw shards) by size and modification time, as make does.</summary>
    public const long ContentHashLimit = 64L << 20;

    /// <summary>Folders that are not datasets are described by at most this many entries (size and time each).</summary>
    public const int FolderEntryLimit = 10_000;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public StageFingerprint Add(string text)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(text));
        _hash.AppendData([0]);
        return this;
    }

    /// <summary>Adds what a path named on the command line holds, if it exists; other values are plain text already added.</summary>
    public StageFingerprint AddPathContent(string path)
    {
        if (File.Exists(path)) return Add(FileDescription(path));
        if (!Directory.Exists(path)) return this;
        if (DatasetDirectory.IsDataset(path)) return Add("dataset:" + FileDescription(Path.Combine(path, Manifest.FileName)));
        foreach (var entry in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories)
                     .Select(f => $"{Path.GetRelativePath(path, f.FullName)}:{f.Length}:{f.LastWriteTimeUtc.Ticks}")
                     .Order(StringComparer.Ordinal).Take(FolderEntryLimit))
            Add(entry);
        return this;
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    private static string FileDescription(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > ContentHashLimit) return $"file:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
        using var stream = info.OpenRead();
        return "file:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

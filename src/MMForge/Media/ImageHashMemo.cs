using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MMForge.Media;

/// <summary>What hashing one image's bytes gave: the facts the hash stage records, or why the image is unusable.</summary>
public sealed record HashedImage(string? Sha256, PhashResult Result, DecodeFailure? Failure, string? Message)
{
    public static HashedImage Of(ReadOnlySpan<byte> bytes, DecodeLimits limits, bool fast)
    {
        try
        {
            var result = ImageFileHasher.Phash(bytes, limits, fast);
            return new HashedImage(Convert.ToHexStringLower(SHA256.HashData(bytes)), result, null, null);
        }
        catch (ImageDecodeException e)
        {
            return new HashedImage(null, default, e.Failure, e.Message);
        }
    }
}

/// <summary>
/// The hashed image files of one job, so that the samples sharing an image (instruction data asks
/// several questions of one image) read, hash and decode it once: at four samples per image that
/// is three quarters of the hash stage. Keyed by the resolved path and trusted only while the file's
/// size and modification time are those it was hashed at. Bounded: when full it starts over, which
/// costs a re-decode, never a wrong answer. In a record shard of a sharded hash stage it first
/// asks the image shards' tables (<see cref="Shards.KnownImageHashes"/>), which hashed every file once.
/// </summary>
public sealed class ImageHashMemo(int capacity = ImageHashMemo.DefaultCapacity, Shards.KnownImageHashes? hashedByImageShards = null)
{
    /// <summary>About 150 bytes an entry: 200,000 files keep it near 30 MiB.</summary>
    public const int DefaultCapacity = 200_000;

    private sealed record Entry(long Length, long ModifiedTicks, HashedImage Image);

    private readonly ConcurrentDictionary<string, Entry> _files = new(StringComparer.Ordinal);

    /// <summary>The hash of <paramref name="path"/>, computed by <paramref name="hash"/> from its bytes unless the same unchanged file was hashed before.</summary>
    public HashedImage Get(string path, Func<ReadOnlySpan<byte>, HashedImage> hash)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException("file not found", path);
        var (length, ticks) = (info.Length, info.LastWriteTimeUtc.Ticks);
        if (_files.TryGetValue(path, out var known) && known.Length == length && known.ModifiedTicks == ticks) return known.Image;
        var image = hashedByImageShards?.Find(path, length, ticks) ?? hash(ScratchFile.Read(path));
        if (_files.Count >= capacity) _files.Clear();
        _files[path] = new Entry(length, ticks, image);
        return image;
    }
}

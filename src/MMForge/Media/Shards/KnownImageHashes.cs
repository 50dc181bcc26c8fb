using MMForge.Pipeline;

namespace MMForge.Media.Shards;

/// <summary>
/// The hashes every image shard of a sharded hash stage made (<c>OUTPUT/keys/IIIII-of-NNNNN/images.bin</c>),
/// looked up by the record shards instead of decoding the files again. An entry serves only
/// while the file still has the size and modification time it was hashed at; anything not found
/// is hashed by the record shard itself, so the tables change how fast a shard runs, never what
/// it writes.
/// </summary>
public sealed class KnownImageHashes : IDisposable
{
    private readonly List<ImageHashFile.Reader> _shards;

    private KnownImageHashes(List<ImageHashFile.Reader> shards) => _shards = shards;

    /// <summary>The folder of image shard <paramref name="shard"/> in a hash stage's output.</summary>
    public static string FolderOf(string stageOutput, ShardSpec shard) => Path.Combine(stageOutput, ShardSpec.KeysFolder, shard.Name);

    /// <summary>
    /// The image shards under <paramref name="stageOutput"/>, or null when there are none (the
    /// record shards then hash every file themselves). Refused while any of one count is missing
    /// or when they were made with other parameters, which would make them silently unused.
    /// </summary>
    public static KnownImageHashes? Open(string stageOutput, string parameters)
    {
        var folder = Path.Combine(stageOutput, ShardSpec.KeysFolder);
        if (ShardFolders.Found(folder).Count == 0) return null;
        var files = ShardFolders.Complete(folder, dir => File.Exists(Path.Combine(dir, ImageHashFile.FileName)), "image hash")
            .Select(dir => Path.Combine(dir, ImageHashFile.FileName)).ToList();
        var readers = new List<ImageHashFile.Reader>();
        try
        {
            foreach (var file in files)
            {
                readers.Add(new ImageHashFile.Reader(file));
                if (readers[^1].Parameters != parameters)
                    throw new ArgumentException($"{file} was made with other hash options; run '--phase images' again for every shard with these");
            }
        }
        catch
        {
            foreach (var reader in readers) reader.Dispose();
            throw;
        }
        return new KnownImageHashes(readers);
    }

    /// <summary>The hash of the file at <paramref name="path"/> when an image shard made it from the file as it is now.</summary>
    public HashedImage? Find(string path, long length, long modifiedTicks)
    {
        var key = ImagePathKey.Of(path);
        return _shards[ImagePathKey.Owner(key, _shards.Count)].Find(key) is { } entry && entry.Length == length && entry.ModifiedTicks == modifiedTicks
            ? entry.Image
            : null;
    }

    public void Dispose()
    {
        foreach (var shard in _shards) shard.Dispose();
    }
}

using MMForge.Pipeline;

namespace MMForge.Media.Shards;

/// <summary>
/// The image step of a sharded hash (<c>hash --phase images --shard I/N</c>). The hash stage's
/// cost is per image file, and the records of different record shards share files (a collection
/// asks several questions of one image, and sources reuse COCO), so cutting records leaves each
/// record shard decoding most of the files. Here every shard hashes only the files whose path it
/// owns (<see cref="ImagePathKey"/>), each once, as the paths step listed them
/// (<see cref="ImagePathLists"/>), and writes their hashes for the record shards
/// (<see cref="KnownImageHashes"/>). Files that are missing or unreadable are left out: the
/// record step meets them and rejects their records with the reason, as one process does.
/// </summary>
public sealed class ImageHashPass(DecodeLimits limits, bool fast, int workers)
{
    /// <summary>Hashes the files this shard owns and writes them to its folder; returns the files listed for it and the files hashed.</summary>
    public (int Listed, int Hashed) Run(ShardSpec shard, string stageOutput, string parameters, Action<JobProgress>? progress)
    {
        var claimed = new HashSet<UInt128>();
        var owned = new List<(UInt128 Key, string File)>();
        foreach (var file in ImagePathLists.Owned(stageOutput, shard))
            if (ImagePathKey.Of(file) is var key && claimed.Add(key)) owned.Add((key, file));
        var entries = new List<ImageHashEntry>();
        var done = 0;
        OrderedParallel.Run(owned, 64, workers, item => Hash(item.Key, item.File), batch =>
        {
            foreach (var entry in batch) if (entry is { } hashed) entries.Add(hashed);
            done += batch.Length;
            progress?.Invoke(new JobProgress("images", done, entries.Count, done - entries.Count, 0, null));
        });
        DirectorySwap.Write(KnownImageHashes.FolderOf(stageOutput, shard), temp =>
        {
            ImageHashFile.Write(Path.Combine(temp, ImageHashFile.FileName), parameters, entries);
            return 0;
        });
        return (owned.Count, entries.Count);
    }

    /// <summary>Whether this shard's image hashes are complete, made with <paramref name="parameters"/>.</summary>
    public static bool Written(ShardSpec shard, string stageOutput, string parameters) =>
        ImageHashFile.ParametersOf(Path.Combine(KnownImageHashes.FolderOf(stageOutput, shard), ImageHashFile.FileName)) == parameters;

    /// <summary>The file's hash entry; null when it is missing or cannot be read (the record step rejects its records).</summary>
    private ImageHashEntry? Hash(UInt128 key, string file)
    {
        var info = new FileInfo(file);
        if (!info.Exists) return null;
        HashedImage image;
        try { image = HashedImage.Of(ScratchFile.Read(file), limits, fast); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return new ImageHashEntry(key, info.Length, info.LastWriteTimeUtc.Ticks, image);
    }
}

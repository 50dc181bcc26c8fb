using System.Collections.Concurrent;
using MMForge.Formats;
using MMForge.Pipeline;

namespace MMForge.Media.Shards;

/// <summary>
/// The image step of a sharded hash stage (<c>hash --phase images --shard I/N</c>). The hash
/// stage's cost is per image file, and the records of different record shards share files (a
/// collection asks several questions of one image, and sources reuse COCO), so cutting records
/// leaves each record shard decoding most of the files. Here every shard reads all the records
/// (cheap next to decoding), hashes only the files whose path it owns (<see cref="ImagePathKey"/>),
/// each once, and writes their hashes for the record shards (<see cref="KnownImageHashes"/>).
/// Files that are missing or unreadable are left out: the record step meets them and rejects
/// their records with the reason, as one process does.
/// </summary>
public sealed class ImageHashPass(DecodeLimits limits, bool fast, int workers)
{
    /// <summary>Reads every record of <paramref name="sources"/>, hashes this shard's files and writes them to its folder; returns the records read and the files hashed.</summary>
    public (long Records, int Files) Run(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string stageOutput, string parameters, Action<JobProgress>? progress)
    {
        var claimed = new ConcurrentDictionary<UInt128, byte>();
        var entries = new List<ImageHashEntry>();
        long records = 0;
        foreach (var source in sources)
        {
            var context = SourceContext.ForReading(source);
            OrderedParallel.Run(RecordJob.Guarded(context), 512, workers, raw => (raw.Location, Hashed: HashOwned(raw, context, shard, claimed)), batch =>
            {
                foreach (var (_, hashed) in batch) entries.AddRange(hashed);
                records += batch.Length;
                var last = batch[^1].Location;
                progress?.Invoke(new JobProgress("images of " + source.Name, records, entries.Count, 0, last.Offset + Math.Max(0, last.Length), null));
            });
        }
        DirectorySwap.Write(KnownImageHashes.FolderOf(stageOutput, shard), temp =>
        {
            ImageHashFile.Write(Path.Combine(temp, ImageHashFile.FileName), parameters, entries);
            return 0;
        });
        return (records, entries.Count);
    }

    /// <summary>Whether this shard's image hashes are complete, made with <paramref name="parameters"/>.</summary>
    public static bool Written(ShardSpec shard, string stageOutput, string parameters) =>
        ImageHashFile.ParametersOf(Path.Combine(KnownImageHashes.FolderOf(stageOutput, shard), ImageHashFile.FileName)) == parameters;

    private List<ImageHashEntry> HashOwned(RawRecord raw, SourceContext context, ShardSpec shard, ConcurrentDictionary<UInt128, byte> claimed)
    {
        var hashed = new List<ImageHashEntry>();
        try
        {
            // a record that does not decode, or names a path outside its roots, is rejected by the record step before any image is opened
            if (RecordDecoder.Decode(raw, context.Source.Codec).Sample is not { } sample || RecordProcessor.RefusedImagePath(sample, context) is not null) return hashed;
            foreach (var image in sample.Images)
            {
                if (image.Bytes is not null || context.ResolverFor(image).FullPath(image) is not { } file) continue;
                var key = ImagePathKey.Of(file);
                if (ImagePathKey.Owner(key, shard.Count) != shard.Index || !claimed.TryAdd(key, 0)) continue;
                var info = new FileInfo(file);
                if (!info.Exists) continue;
                byte[] bytes;
                try { bytes = File.ReadAllBytes(file); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
                hashed.Add(new ImageHashEntry(key, info.Length, info.LastWriteTimeUtc.Ticks, HashedImage.Of(bytes, limits, fast)));
            }
            return hashed;
        }
        finally
        {
            raw.Release();
        }
    }
}

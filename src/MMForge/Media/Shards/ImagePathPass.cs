using MMForge.Formats;
using MMForge.Pipeline;

namespace MMForge.Media.Shards;

/// <summary>
/// The paths step of a sharded hash (<c>hash --phase paths --shard I/N</c>): reads the shard's run
/// of the records and lists the image files they show, each once, grouped by the image shard that
/// owns it (<see cref="ImagePathLists"/>). Records that do not decode, or name a path outside their
/// roots, list nothing: the record step rejects them before any image is opened, as one process does.
/// </summary>
public sealed class ImagePathPass(int workers)
{
    /// <summary>Lists the files of <paramref name="shard"/>'s records; returns the records read and the distinct files listed.</summary>
    public (long Records, int Files) Run(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string stageOutput, Action<JobProgress>? progress)
    {
        var byOwner = Enumerable.Range(0, shard.Count).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var items = shard.Take(sources.SelectMany(source =>
        {
            var context = SourceContext.ForReading(source);
            return RecordJob.Guarded(context).Select(raw => (Raw: raw, Context: context));
        }), sources);
        long records = 0;
        var files = 0;
        OrderedParallel.Run(items, 512, workers, item => (item.Raw.Location, item.Context.Source.Name, Files: FilesOf(item.Raw, item.Context)), batch =>
        {
            foreach (var (_, _, shown) in batch)
                foreach (var file in shown)
                    if (byOwner[ImagePathKey.Owner(ImagePathKey.Of(file), shard.Count)].Add(file)) files++;
            records += batch.Length;
            var (last, source, _) = batch[^1];
            progress?.Invoke(new JobProgress("image paths of " + source, records, files, 0, last.Offset + Math.Max(0, last.Length), null));
        });
        ImagePathLists.Write(stageOutput, shard, byOwner);
        return (records, files);
    }

    private static List<string> FilesOf(RawRecord raw, SourceContext context)
    {
        var files = new List<string>();
        try
        {
            if (RecordDecoder.Decode(raw, context.Source.Codec).Sample is not { } sample || RecordProcessor.RefusedImagePath(sample, context) is not null) return files;
            foreach (var image in sample.Images)
                if (image.Bytes is null && context.ResolverFor(image).FullPath(image) is { } file) files.Add(file);
            return files;
        }
        finally
        {
            raw.Release();
        }
    }
}

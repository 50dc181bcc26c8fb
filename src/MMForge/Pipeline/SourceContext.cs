using System.Collections.Concurrent;
using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>
/// What processing a record needs to know about the source it came from: its name, codec,
/// and how its image paths resolve (one declared root for a file, the manifest's roots for a
/// dataset directory). Also holds the source's counts for the manifest.
/// </summary>
public sealed class SourceContext
{
    private readonly ImagePathResolver? _fileRoot;
    private readonly ConcurrentDictionary<string, ImagePathResolver> _datasetRoots = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _rootDirs;

    public SourceContext(OpenedSource source, InputInfo info, ImagePathResolver? fileRoot, IReadOnlyDictionary<string, string> rootDirs)
    {
        Source = source;
        Info = info;
        FileBytes = source.File is { } file && File.Exists(file) ? new FileInfo(file).Length : null;
        _fileRoot = fileRoot;
        _rootDirs = rootDirs;
    }

    /// <summary>
    /// A dataset directory's context for a pass that reads it outside a record job (a generation
    /// or seed pass): its images resolve through its manifest's roots, and no counts are kept.
    /// </summary>
    public static SourceContext ForReading(OpenedSource source) => new(source, new InputInfo { Name = source.Name }, null,
        source.DatasetManifest?.ImageRoots ?? new SortedDictionary<string, string>(StringComparer.Ordinal));

    public OpenedSource Source { get; }

    /// <summary>Size of the input file, for progress; null for directories and sources without a file.</summary>
    public long? FileBytes { get; }
    /// <summary>This input's entry in the stage's manifest record, where its counts are kept.</summary>
    public InputInfo Info { get; }

    /// <summary>The resolver an image of this source goes through.</summary>
    public ImagePathResolver ResolverFor(ImageRef image) =>
        _fileRoot ?? _datasetRoots.GetOrAdd(image.Root ?? "", name => new ImagePathResolver(name, _rootDirs.GetValueOrDefault(name)));
}

using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>How an export gives the trainer its images.</summary>
public enum ImageMode
{
    /// <summary>Copied into the export's images folder, one file per distinct content.</summary>
    Copy,
    /// <summary>Hard-linked into the images folder like a copy (no extra space); copied where a link cannot be made.</summary>
    Hardlink,
    /// <summary>The original files, referenced by paths relative to the export root; nothing is copied.</summary>
    Relative,
    /// <summary>The bytes travel inside the output (WebDataset members); chosen by the format, not by the user.</summary>
    Embed,
}

/// <summary>What placing the images did, for the summary and export.json.</summary>
public sealed class ImageCounts
{
    public long Copied { get; set; }
    public long Linked { get; set; }
    /// <summary>Image references served by a file already in the images folder (the same file again, or the same content under another name).</summary>
    public long Deduplicated { get; set; }
    public long Referenced { get; set; }
    public long Embedded { get; set; }
    /// <summary>Hard links that could not be made (another filesystem, no permission) and were copied instead.</summary>
    public long LinkFallbacks { get; set; }
}

/// <summary>
/// Puts a sample's images where the trainer will find them and returns them with paths relative
/// to the export root: stored in the <see cref="ImageStore"/> (copy, hard link, and bytes held in
/// records), referenced where they are (relative), or read into the record (embed). Thread-safe:
/// the export's worker threads place their samples' images at the same time, so the counts are
/// made of facts that do not depend on which thread came first: every stored reference either
/// wrote a file or found its content there, and each content is written once.
/// </summary>
public sealed class ImagePlacer(ImageMode mode, string workDir, string finalDir)
{
    public const string Folder = "images";
    public const string MissingRule = "image-missing", UnreadableRule = "image-unreadable", RemoteRule = "remote-image";

    private readonly ImageStore _store = new(workDir, mode == ImageMode.Hardlink);
    private long _storedReferences, _referenced, _embedded;

    public ImageMode Mode => mode;

    /// <summary>What placing has done so far (read once the placing threads are done).</summary>
    public ImageCounts Counts => new()
    {
        Copied = _store.Copied,
        Linked = _store.Linked,
        Deduplicated = Interlocked.Read(ref _storedReferences) - _store.Copied - _store.Linked,
        Referenced = Interlocked.Read(ref _referenced),
        Embedded = Interlocked.Read(ref _embedded),
        LinkFallbacks = _store.LinkFallbacks,
    };

    /// <inheritdoc cref="ImageStore.Ways"/>
    public IReadOnlyDictionary<string, StoredImageWay> StoredImages => _store.Ways;

    /// <inheritdoc cref="ImageStore.LinkFallbackReason"/>
    public string? LinkFallbackReason => _store.LinkFallbackReason;

    /// <summary>
    /// The images as the export writes them. Image files were resolved to absolute paths under
    /// their dataset's root beforehand (<see cref="Pipeline.ImagePathStyle.Absolute"/>); throws a
    /// <see cref="RecordException"/> (the sample is rejected) for an image the trainer could not load.
    /// </summary>
    public List<ImageRef> Place(IReadOnlyList<ImageRef> images) => images.Select(Place).ToList();

    private ImageRef Place(ImageRef image)
    {
        // bytes held in the record are the image itself; a path beside them (a tar member's name) names no file here
        if (image.Bytes is { Length: > 0 } bytes)
            return mode == ImageMode.Embed ? Embedded(image, bytes) : Stored(image, _store.StoreBytes(bytes));
        if (image.Path is { } path)
        {
            if (ImagePathResolver.IsUrl(path))
                throw new RecordException(RemoteRule, $"image '{path}' is a remote URL; trainers read local files, so download it first");
            if (!Path.IsPathRooted(path))
                throw new RecordException(MissingRule, $"image '{path}' names an image root the dataset's manifest does not declare");
            if (!File.Exists(path)) throw new RecordException(MissingRule, $"image file not found: {path}");
            return mode switch
            {
                ImageMode.Relative => Referenced(image, path),
                ImageMode.Embed => Embedded(image, ImageStore.Read(path, File.ReadAllBytes)),
                _ => Stored(image, _store.StoreFile(path)),
            };
        }
        throw new RecordException(MissingRule, "an image has neither a path nor bytes");
    }

    private ImageRef Stored(ImageRef image, string relative)
    {
        Interlocked.Increment(ref _storedReferences);
        return WithPath(image, relative);
    }

    private ImageRef Referenced(ImageRef image, string path)
    {
        Interlocked.Increment(ref _referenced);
        return WithPath(image, Path.GetRelativePath(finalDir, path));
    }

    private ImageRef Embedded(ImageRef image, byte[] bytes)
    {
        Interlocked.Increment(ref _embedded);
        return new ImageRef { Bytes = bytes, Sha256 = image.Sha256, Phash = image.Phash, Width = image.Width, Height = image.Height, Format = image.Format };
    }

    private static ImageRef WithPath(ImageRef image, string path) =>
        new() { Path = path, Sha256 = image.Sha256, Phash = image.Phash, Width = image.Width, Height = image.Height, Format = image.Format };
}

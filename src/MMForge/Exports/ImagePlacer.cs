using System.Security.Cryptography;
using MMForge.Formats;
using MMForge.Formats.Writers;
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
/// to the export root. Stored files are named by content (the first 128 bits of SHA-256, in
/// folders by the first two hex digits, with the extension of the sniffed format), so the same
/// image is stored once, names never depend on untrusted paths, and two exports are identical.
/// Called by the single writing thread, in input order.
/// </summary>
public sealed class ImagePlacer(ImageMode mode, string workDir, string finalDir)
{
    public const string Folder = "images";
    public const string MissingRule = "image-missing", UnreadableRule = "image-unreadable", RemoteRule = "remote-image";

    /// <summary>Source file -> its path in the export; one entry per distinct file, so a file used by many samples is read once.</summary>
    private readonly Dictionary<string, string> _stored = new(StringComparer.Ordinal);

    public ImageMode Mode => mode;
    public ImageCounts Counts { get; } = new();

    /// <summary>The first reason a hard link failed, to be said once; null when every link worked.</summary>
    public string? LinkFallbackReason { get; private set; }

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
            return mode == ImageMode.Embed ? Embedded(image, bytes) : WithPath(image, StoredBytes(bytes));
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
                ImageMode.Embed => Embedded(image, Read(path, File.ReadAllBytes)),
                _ => WithPath(image, Stored(path)),
            };
        }
        throw new RecordException(MissingRule, "an image has neither a path nor bytes");
    }

    private ImageRef Referenced(ImageRef image, string path)
    {
        Counts.Referenced++;
        return WithPath(image, Path.GetRelativePath(finalDir, path));
    }

    private ImageRef Embedded(ImageRef image, byte[] bytes)
    {
        Counts.Embedded++;
        return new ImageRef { Bytes = bytes, Sha256 = image.Sha256, Phash = image.Phash, Width = image.Width, Height = image.Height, Format = image.Format };
    }

    private static ImageRef WithPath(ImageRef image, string path) =>
        new() { Path = path, Sha256 = image.Sha256, Phash = image.Phash, Width = image.Width, Height = image.Height, Format = image.Format };

    private string Stored(string source)
    {
        if (_stored.TryGetValue(source, out var known))
        {
            Counts.Deduplicated++;
            return known;
        }
        var (hash, header) = Read(source, HashWithHeader);
        var relative = StoredName(hash, header, Path.GetExtension(source));
        var target = Path.Combine(workDir, relative);
        if (File.Exists(target)) Counts.Deduplicated++;
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (mode == ImageMode.Hardlink && TryLink(source, target)) Counts.Linked++;
            else
            {
                var temp = target + ".tmp-" + Environment.ProcessId;
                Read(source, s => { File.Copy(s, temp, overwrite: true); return 0; });
                File.Move(temp, target, overwrite: true);
                Counts.Copied++;
            }
        }
        _stored[source] = relative;
        return relative;
    }

    private string StoredBytes(byte[] bytes)
    {
        var relative = StoredName(SHA256.HashData(bytes), bytes, null);
        var target = Path.Combine(workDir, relative);
        if (File.Exists(target))
        {
            Counts.Deduplicated++;
            return relative;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, target, overwrite: true);
        Counts.Copied++;
        return relative;
    }

    private bool TryLink(string source, string target)
    {
        if (HardLink.TryCreate(source, target) is not { } failure) return true;
        Counts.LinkFallbacks++;
        LinkFallbackReason ??= $"hard link {source} -> {target} failed ({failure}); such images were copied instead";
        return false;
    }

    /// <summary>images/ab/ab…(32 hex digits).ext: the extension of the sniffed format, else the original's when it is plain, else .bin.</summary>
    private static string StoredName(ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> header, string? originalExtension)
    {
        var hex = Convert.ToHexStringLower(sha256)[..32];
        var extension = ImageFormatSniffer.Format(header) is not null ? ImageFormatSniffer.Extension(header)
            : originalExtension is { Length: >= 2 and <= 6 } e && e[1..].All(char.IsAsciiLetterOrDigit) ? e.ToLowerInvariant()
            : ".bin";
        return $"{Folder}/{hex[..2]}/{hex}{extension}";
    }

    private static (byte[] Hash, byte[] Header) HashWithHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[16];
        header = header[..stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false)];
        stream.Position = 0;
        return (SHA256.HashData(stream), header);
    }

    /// <summary>Reads a source image; a file that cannot be read rejects its sample rather than ending the export.</summary>
    private static T Read<T>(string path, Func<string, T> read)
    {
        try { return read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordException(UnreadableRule, $"image file {path} cannot be read: {e.Message}");
        }
    }
}

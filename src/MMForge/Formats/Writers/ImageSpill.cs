using System.Security.Cryptography;
using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>
/// Saves embedded image bytes as files for formats that reference images by path only, naming
/// each file by its content hash (so the same image is stored once) under an images folder
/// beside the output, and returns the path relative to the output's directory. Thread-safe: two
/// threads saving the same image at once each write their own temporary file, and the second
/// rename replaces a file with the same bytes.
/// </summary>
public sealed class ImageSpill(string outputPath)
{
    private readonly string _baseDir = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
    private readonly string _folder = Path.GetFileNameWithoutExtension(outputPath) + "_images";
    private long _temporaries;

    /// <summary>The sample with every bytes-only image given a path; the input sample is not changed.</summary>
    public IReadOnlyList<ImageRef> WithPaths(IReadOnlyList<ImageRef> images)
    {
        if (images.All(i => i.Path is not null)) return images;
        return images.Select(i => i.Path is not null || i.Bytes is null ? i : Save(i)).ToList();
    }

    private ImageRef Save(ImageRef image)
    {
        var ext = ImageFormatSniffer.Extension(image.Bytes!);
        var name = Convert.ToHexStringLower(SHA256.HashData(image.Bytes!))[..32] + ext;
        var relative = _folder + "/" + name;
        var full = Path.Combine(_baseDir, _folder, name);
        if (!File.Exists(full))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var temp = $"{full}.tmp-{Environment.ProcessId}-{Interlocked.Increment(ref _temporaries)}";
            File.WriteAllBytes(temp, image.Bytes!);
            File.Move(temp, full, overwrite: true);
        }
        return new ImageRef { Path = relative, Root = image.Root, Sha256 = image.Sha256, Phash = image.Phash, Width = image.Width, Height = image.Height, Format = image.Format };
    }
}

/// <summary>Tells an image's format from its first bytes (a JPEG named .png is a JPEG).</summary>
public static class ImageFormatSniffer
{
    public static string? Format(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "jpeg",
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "png",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "webp",
        [(byte)'B', (byte)'M', ..] => "bmp",
        [(byte)'I', (byte)'I', 42, 0, ..] or [(byte)'M', (byte)'M', 0, 42, ..] => "tiff",
        [_, _, _, _, (byte)'f', (byte)'t', (byte)'y', (byte)'p', ..] => "heif",
        _ => null,
    };

    public static string Extension(ReadOnlySpan<byte> bytes) => Format(bytes) switch
    {
        "jpeg" => ".jpg",
        null => ".bin",
        var f => "." + f,
    };
}

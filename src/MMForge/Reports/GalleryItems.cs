using MMForge.Media;
using MMForge.Records;

namespace MMForge.Reports;

/// <summary>
/// Turns the chosen samples into gallery items: their conversation (shortened for the page) and
/// their images as small JPEG data: URIs. An image is read only when its path resolves under its
/// dataset's image root (checked again here: the records are untrusted); a missing, remote or
/// undecodable image becomes a placeholder with the reason, never an error.
/// </summary>
public static class GalleryItems
{
    /// <summary>Longest side of a thumbnail in pixels: small enough that a dozen keep the page light.</summary>
    public const int ThumbnailSide = 224;

    public const int MaxTurns = 6;
    public const int MaxTurnChars = 600;
    public const int MaxImages = 2;

    /// <summary>Larger files are not read for a thumbnail (a report should not stall on a stray huge file).</summary>
    public const long MaxImageBytes = 64L << 20;

    public static GalleryItem For(GalleryCandidate candidate)
    {
        var sample = candidate.Sample;
        var item = new GalleryItem
        {
            Id = sample.Id,
            Source = candidate.Source,
            Mix = candidate.Mix,
            InstructionTypes = sample.InstructionTags.Select(t => t.Path).ToList(),
            ImageTags = sample.ImageTags.Select(t => t.Tag).Take(12).ToList(),
        };
        foreach (var image in sample.Images.Take(MaxImages)) item.Images.Add(Thumbnail(image, candidate));
        var turns = sample.Turns.Count > 0 ? sample.Turns.Select(t => (t.Role, t.Value)) : sample.Text is { } text ? [("text", text)] : [];
        foreach (var (role, value) in turns.Take(MaxTurns)) item.Turns.Add(new GalleryTurn { From = role, Value = Shorten(value) });
        if (sample.Turns.Count > MaxTurns) item.Turns.Add(new GalleryTurn { From = "…", Value = $"{sample.Turns.Count - MaxTurns} more turns" });
        return item;
    }

    private static GalleryImage Thumbnail(ImageRef image, GalleryCandidate candidate)
    {
        var shown = new GalleryImage { Name = image.Path ?? "embedded", Width = image.Width, Height = image.Height };
        try
        {
            var bytes = image.Bytes ?? File(image, candidate, shown);
            if (bytes is null) return shown;
            var (jpeg, mediaType) = ImageShrinker.ForModel(bytes, ThumbnailSide);
            shown.DataUri = $"data:{mediaType};base64,{Convert.ToBase64String(jpeg)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ImageDecodeException)
        {
            shown.Missing = e is ImageDecodeException decode ? $"cannot be decoded: {decode.Failure}" : "cannot be read";
        }
        return shown;
    }

    /// <summary>The image file's bytes, or null with the reason set when there is no file to read.</summary>
    private static byte[]? File(ImageRef image, GalleryCandidate candidate, GalleryImage shown)
    {
        if (image.Path is null) { shown.Missing = "no image data"; return null; }
        if (ImagePathResolver.IsUrl(image.Path)) { shown.Missing = "remote image, not fetched"; return null; }
        var resolver = candidate.ResolverFor(image);
        var checkedImage = image.Copy();
        if (resolver.Resolve(checkedImage) is { } refused) { shown.Missing = refused; return null; }
        if (resolver.FullPath(checkedImage) is not { } path) { shown.Missing = "under no known image root"; return null; }
        if (!System.IO.File.Exists(path)) { shown.Missing = "file missing"; return null; }
        if (new FileInfo(path).Length > MaxImageBytes) { shown.Missing = "file too large to show"; return null; }
        return System.IO.File.ReadAllBytes(path);
    }

    private static string Shorten(string value)
    {
        if (value.Length <= MaxTurnChars) return value;
        var cut = char.IsHighSurrogate(value[MaxTurnChars - 1]) ? MaxTurnChars - 1 : MaxTurnChars; // never half a character
        return value[..cut] + "…";
    }
}

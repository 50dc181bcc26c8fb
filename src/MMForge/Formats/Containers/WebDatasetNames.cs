namespace MMForge.Formats.Containers;

/// <summary>
/// The WebDataset naming convention: a member's key is its path up to the first dot of the file
/// name, the rest is its extension ("dir/000123.1.jpg" is key "dir/000123", extension "1.jpg");
/// members sharing a key make one sample.
/// </summary>
public static class WebDatasetNames
{
    private static readonly HashSet<string> ImageExtensions =
        new(["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heif"], StringComparer.Ordinal);

    public static (string Key, string Extension) Split(string memberName)
    {
        var dot = memberName.IndexOf('.', memberName.LastIndexOf('/') + 1);
        return dot < 0 ? (memberName, "") : (memberName[..dot], memberName[(dot + 1)..].ToLowerInvariant());
    }

    /// <summary>True for image members, judged by the last part of the extension ("1.jpg" is a jpg).</summary>
    public static bool IsImage(string extension) => ImageExtensions.Contains(extension[(extension.LastIndexOf('.') + 1)..]);

    public static bool IsRecord(string extension) => extension == "json";

    public static bool IsCaption(string extension) => extension is "txt" or "caption";

    /// <summary>
    /// Why a member name would escape the directory it is extracted to (absolute, drive-rooted,
    /// or climbing with ".."), or null when it stays inside. mmforge never extracts, but a tar
    /// carrying such names is hostile or broken, and its members must not reach writers as paths.
    /// </summary>
    public static string? EscapeReason(string memberName)
    {
        if (memberName.StartsWith('/') || memberName.StartsWith('\\') || (memberName.Length >= 2 && memberName[1] == ':'))
            return "is an absolute path";
        foreach (var segment in memberName.Split('/', '\\'))
            if (segment == "..") return "climbs out of the archive with '..'";
        return null;
    }
}

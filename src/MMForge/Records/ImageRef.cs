namespace MMForge.Records;

/// <summary>
/// One image of a sample: either a path relative to a declared image root, or embedded bytes
/// (WebDataset members, data URLs). The remaining slots are filled by the hash stage.
/// </summary>
public sealed class ImageRef
{
    /// <summary>Path relative to the image root, as the dataset wrote it (after any prefix mapping).</summary>
    public string? Path { get; set; }

    /// <summary>Name of the image root (declared in the dataset manifest) the path is relative to.</summary>
    public string? Root { get; set; }

    /// <summary>Embedded image bytes, when the source carried them inline.</summary>
    public byte[]? Bytes { get; set; }

    public string? Sha256 { get; set; }
    public ulong? Phash { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public string? Format { get; set; }

    /// <summary>A copy, for a sample made from another that must not share its mutable images.</summary>
    public ImageRef Copy() => (ImageRef)MemberwiseClone();

    public static ImageRef FromPath(string path, string? root = null) => new() { Path = path, Root = root };
}

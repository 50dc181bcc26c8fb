using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>How image paths are written into an exported file, whose trainer knows one image folder at most.</summary>
public enum ImagePathStyle
{
    /// <summary>Relative to the sample's image root (right when every image shares one root: give the trainer that folder).</summary>
    Root,
    /// <summary>Absolute paths (works with any number of roots).</summary>
    Absolute,
    /// <summary>Relative to the output file's directory.</summary>
    RelativeToOutput,
}

/// <summary>Rewrites image paths of kept samples for export; embedded and remote images are left alone.</summary>
public sealed class ImagePathExport(ImagePathStyle style, string outputPath)
{
    private readonly string _outputDir = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;

    public ImagePathStyle Style => style;

    public void Apply(Sample sample, Func<ImageRef, string?> fullPath)
    {
        if (style == ImagePathStyle.Root) return;
        foreach (var image in sample.Images)
        {
            if (fullPath(image) is not { } full) continue;
            image.Path = style == ImagePathStyle.Absolute ? full : Path.GetRelativePath(_outputDir, full);
            image.Root = null;
        }
    }

    /// <summary>
    /// The default: root-relative paths when all inputs share one image root (the trainer is
    /// given that folder), absolute paths otherwise so no image becomes ambiguous.
    /// </summary>
    public static ImagePathStyle Auto(IEnumerable<string> distinctRoots) =>
        distinctRoots.Distinct(StringComparer.Ordinal).Count() <= 1 ? ImagePathStyle.Root : ImagePathStyle.Absolute;
}

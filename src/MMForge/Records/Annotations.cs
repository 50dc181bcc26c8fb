namespace MMForge.Records;

/// <summary>Human annotations of a sample's image, from COCO-style files or caption/box files.</summary>
public sealed class Annotations
{
    public List<string> Captions { get; } = [];
    public List<Box> Boxes { get; } = [];

    public bool IsEmpty => Captions.Count == 0 && Boxes.Count == 0;
}

/// <summary>How the four numbers of a <see cref="Box"/> are to be read.</summary>
public enum BoxFormat
{
    /// <summary>COCO: x, y, width, height in pixels.</summary>
    XywhPixels,
    /// <summary>LLaVA/SVIT: x1, y1, x2, y2 as fractions of the image size.</summary>
    XyxyNormalized,
}

/// <summary>
/// One labelled box. The numbers are kept in the form the source used, so that writing the box
/// back gives the same numbers; <see cref="ToNormalizedXyxy"/> converts when needed.
/// </summary>
public sealed class Box
{
    public Box(string category, double[] bbox, BoxFormat format)
    {
        if (bbox.Length != 4) throw new ArgumentException("a box has exactly four numbers", nameof(bbox));
        Category = category;
        Bbox = bbox;
        Format = format;
    }

    public string Category { get; set; }
    public long? CategoryId { get; set; }
    public string? Supercategory { get; set; }
    public double[] Bbox { get; }
    public BoxFormat Format { get; }

    /// <summary>Unknown keys of the annotation object (COCO id, area, iscrowd, segmentation...).</summary>
    public ExtraFields? Extra { get; set; }

    /// <summary>The box as [x1, y1, x2, y2] fractions of an image of the given size.</summary>
    public double[] ToNormalizedXyxy(int imageWidth, int imageHeight) => Format switch
    {
        BoxFormat.XyxyNormalized => (double[])Bbox.Clone(),
        _ => [Bbox[0] / imageWidth, Bbox[1] / imageHeight,
              (Bbox[0] + Bbox[2]) / imageWidth, (Bbox[1] + Bbox[3]) / imageHeight],
    };
}

using MMForge.Records;

namespace MMForge.Synthesis.Annotations;

/// <summary>One annotated object: its category and its box as [x1, y1, x2, y2] fractions of the image.</summary>
public sealed record AnnotatedObject(string Category, double[] Box)
{
    public double CenterX => (Box[0] + Box[2]) / 2;

    public double CenterY => (Box[1] + Box[3]) / 2;

    /// <summary>The share of the picture the box covers.</summary>
    public double Area => (Box[2] - Box[0]) * (Box[3] - Box[1]);
}

/// <summary>
/// The objects of a sample's box annotations, in normalised coordinates. Boxes in pixels need the
/// image's size; a sample without it, or with a box outside the image or without a category, or
/// with a COCO crowd box (<c>iscrowd</c> 1: one box over many objects, so counts and "the
/// largest" would be wrong) yields no objects (its answers could not be trusted). Category names
/// are read as words: lower case, "big_vehicle" as "big vehicle".
/// </summary>
public static class AnnotatedObjects
{
    public static IReadOnlyList<AnnotatedObject> Of(Sample sample)
    {
        if (sample.Annotations is not { Boxes.Count: > 0 } annotations) return [];
        var image = sample.Images.FirstOrDefault();
        var objects = new List<AnnotatedObject>();
        foreach (var box in annotations.Boxes)
        {
            if (box.Format != BoxFormat.XyxyNormalized && image is not { Width: > 0, Height: > 0 }) return [];
            if (box.Extra?.Get("iscrowd") is "1" or "true") return [];
            var normalized = box.ToNormalizedXyxy(image?.Width ?? 1, image?.Height ?? 1);
            if (normalized.Any(v => !double.IsFinite(v) || v < -0.01 || v > 1.01) || normalized[2] <= normalized[0] || normalized[3] <= normalized[1]) return [];
            var category = string.Join(' ', box.Category.ToLowerInvariant().Split([' ', '_', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
            if (category.Length == 0) return [];
            objects.Add(new AnnotatedObject(category, [.. normalized.Select(v => Math.Clamp(v, 0, 1))]));
        }
        return objects;
    }
}

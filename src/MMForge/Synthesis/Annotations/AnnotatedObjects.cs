using MMForge.Records;

namespace MMForge.Synthesis.Annotations;

/// <summary>One annotated object: its category and its box as [x1, y1, x2, y2] fractions of the image.</summary>
public sealed record AnnotatedObject(string Category, double[] Box)
{
    public double CenterX => (Box[0] + Box[2]) / 2;
}

/// <summary>
/// The objects of a sample's box annotations, in normalised coordinates. Boxes in pixels need the
/// image's size; a sample without it, or with a box outside the image, yields no objects (its
/// answers could not be trusted).
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
            var normalized = box.ToNormalizedXyxy(image?.Width ?? 1, image?.Height ?? 1);
            if (normalized.Any(v => !double.IsFinite(v) || v < -0.01 || v > 1.01) || normalized[2] <= normalized[0] || normalized[3] <= normalized[1]) return [];
            objects.Add(new AnnotatedObject(box.Category.Trim().ToLowerInvariant(), [.. normalized.Select(v => Math.Clamp(v, 0, 1))]));
        }
        return objects;
    }
}

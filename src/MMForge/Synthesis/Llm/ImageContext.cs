using System.Text;
using System.Text.RegularExpressions;
using MMForge.Records;
using MMForge.Synthesis.Annotations;

namespace MMForge.Synthesis.Llm;

/// <summary>
/// What a text-only model is told about an image, LLaVA's way: the captions, one a line, then the
/// objects as <c>category: [x1, y1, x2, y2]</c>, fractions of the image with three decimals.
/// Boxes come through <see cref="AnnotatedObjects"/>, so a sample whose boxes cannot be placed
/// is described by its captions alone rather than with positions that could be wrong.
/// </summary>
public sealed partial record ImageContext(string Text, int Captions, int Objects)
{
    /// <summary>Longer captions are cut: a caption says what it has to in a sentence or two, and the rest only costs tokens.</summary>
    public const int MaxCaptionChars = 600;

    /// <summary>The context of a sample, or null when it has neither a caption nor a box that can be placed.</summary>
    public static ImageContext? Of(Sample sample, int maxCaptions, int maxObjects)
    {
        var captions = (sample.Annotations?.Captions ?? []).Select(Flatten).Where(c => c.Length > 0).Take(maxCaptions).ToList();
        var objects = Largest([.. AnnotatedObjects.Of(sample).Select(o => o with { Category = Flatten(o.Category) }).Where(o => o.Category.Length > 0)], maxObjects);
        if (captions.Count == 0 && objects.Count == 0) return null;

        var text = new StringBuilder();
        if (captions.Count > 0)
        {
            text.Append("Captions:\n");
            foreach (var caption in captions) text.Append(caption).Append('\n');
        }
        if (objects.Count > 0)
        {
            if (captions.Count > 0) text.Append('\n');
            text.Append("Objects:\n");
            foreach (var o in objects) text.Append(o.Category).Append(": ").Append(AnnotationQuestions.BoxText(o.Box)).Append('\n');
        }
        return new ImageContext(text.ToString().TrimEnd(), captions.Count, objects.Count);
    }

    /// <summary>The largest objects, in the order the annotations list them.</summary>
    private static List<AnnotatedObject> Largest(IReadOnlyList<AnnotatedObject> objects, int max) =>
        objects.Count <= max
            ? [.. objects]
            : [.. objects.Select((o, i) => (o, i)).OrderByDescending(x => Area(x.o.Box)).ThenBy(x => x.i).Take(max).OrderBy(x => x.i).Select(x => x.o)];

    private static double Area(double[] box) => (box[2] - box[0]) * (box[3] - box[1]);

    /// <summary>One line per caption or category: a newline inside one would read as another entry (or an injected instruction line).</summary>
    private static string Flatten(string caption)
    {
        var flat = Whitespace().Replace(caption, " ").Trim();
        return flat.Length <= MaxCaptionChars ? flat : flat[..MaxCaptionChars].TrimEnd() + "...";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

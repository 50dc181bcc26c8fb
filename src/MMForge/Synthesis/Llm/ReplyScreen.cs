using System.Text.RegularExpressions;

namespace MMForge.Synthesis.Llm;

/// <summary>
/// A check LLaVA applied to what a text-only model wrote about an image it never saw (refusals
/// are <see cref="Refusals"/>): a question or answer that speaks of captions, boxes or coordinates
/// gives away a source the image-only reader of the dataset does not have, so the pair would
/// teach the model to invent one. The check returns the words it matched, for the reason, or null.
/// </summary>
public static partial class ReplyScreen
{
    public const string LeakRule = "synthesis-leaks-context";

    /// <summary>A mention of the text the model was given instead of the image.</summary>
    public static string? Leak(string text) => Leaks().Match(text) is { Success: true } m ? m.Value : null;

    // Also two decimal fractions in a row ("0.37, 0.584"): a box copied out of the context.
    [GeneratedRegex(@"\b(captions?|captioned|bounding[- ]?box(es)?|coordinates?|annotations?|annotated)\b|\b(given|provided) (sentences|descriptions|information|text|context|data)\b|(?<![\d.])[01]?\.\d{2,3}\s*,\s*[01]?\.\d{2,3}(?!\d)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Leaks();
}

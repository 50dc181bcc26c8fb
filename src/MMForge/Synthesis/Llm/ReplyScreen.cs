using System.Text.RegularExpressions;

namespace MMForge.Synthesis.Llm;

/// <summary>
/// The checks LLaVA applied to what a text-only model wrote about an image it never saw: a
/// refusal is no answer, and a question or answer that speaks of captions, boxes or coordinates
/// gives away a source the image-only reader of the dataset does not have, so the pair would
/// teach the model to invent one. Each check returns the words it matched, for the reason, or null.
/// </summary>
public static partial class ReplyScreen
{
    public const string BadReplyRule = "synthesis-bad-reply";
    public const string RefusalRule = "synthesis-refusal";
    public const string LeakRule = "synthesis-leaks-context";

    /// <summary>The model declining or speaking as a model rather than answering about the image.</summary>
    public static string? Refusal(string text) => Refusals().Match(text) is { Success: true } m ? m.Value : null;

    /// <summary>A mention of the text the model was given instead of the image.</summary>
    public static string? Leak(string text) => Leaks().Match(text) is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"\b(I['’]?m sorry|I am sorry|I apologi[sz]e|as an AI\b|as a (large )?language model|I(?: cannot| can['’]t| can not| am unable to|['’]m unable to| do not have| don['’]t have) (see|view|access|provide|determine|answer|help|assist|the ability)|unable to (see|view) (the|this|an?) (image|photo|picture))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Refusals();

    // Also two decimal fractions in a row ("0.37, 0.584"): a box copied out of the context.
    [GeneratedRegex(@"\b(captions?|captioned|bounding[- ]?box(es)?|coordinates?|annotations?|annotated)\b|\b(given|provided) (sentences|descriptions|information|text|context|data)\b|(?<![\d.])[01]?\.\d{2,3}\s*,\s*[01]?\.\d{2,3}(?!\d)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Leaks();
}

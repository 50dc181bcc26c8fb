using System.Text.RegularExpressions;

namespace MMForge.Synthesis;

/// <summary>
/// Recognises a model declining to do what it was asked ("I'm sorry, I can't...", "As an AI",
/// "unable to see the image") anywhere in a reply: such a reply is no question or answer, and
/// must not reach a training set as one.
/// </summary>
public static partial class Refusals
{
    public const string Rule = "synthesis-refusal";

    /// <summary>The words that make <paramref name="text"/> a refusal, for the reason; null when it is none.</summary>
    public static string? Find(string text) => Pattern().Match(text) is { Success: true } m ? m.Value : null;

    public static bool IsRefusal(string text) => Find(text) is not null;

    [GeneratedRegex(@"\b(I['’]?m sorry|I am sorry|I apologi[sz]e|as an AI\b|as a (large )?language model|I(?: cannot| can['’]t| can not| am unable to|['’]m unable to| do not have| don['’]t have) (see|view|access|provide|determine|answer|help|assist|the ability)|unable to (see|view) (the|this|an?) (image|photo|picture))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

using System.Text.Json;
using System.Text.RegularExpressions;
using MMForge.Models;

namespace MMForge.Tagging.ModelTaggers;

/// <summary>A word a model named, with the confidence it gave (null when it gave none).</summary>
internal readonly record struct TagWord(string Word, double? Confidence);

/// <summary>
/// Reads the tags out of a VLM reply in whatever shape it came: a JSON array of strings,
/// <c>{"tags": [...]}</c>, objects such as <c>{"tag": "dog", "confidence": 0.9}</c>, several
/// arrays (<c>{"objects": [...], "scene": "beach"}</c>), or, when the reply holds no JSON,
/// comma/semicolon/newline separated text and numbered or bulleted lists.
/// </summary>
internal static partial class TagReplyParser
{
    // Bounds what a runaway or hostile reply can make the tagger do.
    private const int MaxWords = 200;
    private const int MaxWordChars = 60;

    private static readonly string[] NameFields = ["tag", "name", "label", "object"];
    private static readonly string[] ConfidenceFields = ["confidence", "score", "probability"];

    public static List<TagWord> Parse(string reply)
    {
        var words = new List<TagWord>();
        if (JsonReply.TryParse(reply, out var json)) Walk(json, words);
        else
            foreach (var piece in TextSeparators().Split(reply))
                Add(words, piece, null);
        return words;
    }

    private static void Walk(JsonElement element, List<TagWord> words)
    {
        if (words.Count >= MaxWords) return;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Add(words, element.GetString()!, null);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Walk(item, words);
                break;
            case JsonValueKind.Object when NamedEntry(element) is { } name:
                Add(words, name, Confidence(element));
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Walk(property.Value, words);
                break;
        }
    }

    private static string? NamedEntry(JsonElement entry)
    {
        foreach (var field in NameFields)
            if (entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String) return value.GetString();
        return null;
    }

    private static double? Confidence(JsonElement entry)
    {
        foreach (var field in ConfidenceFields)
            if (entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetDouble(out var confidence) && confidence is >= 0 and <= 1)
                return confidence;
        return null;
    }

    private static void Add(List<TagWord> words, string raw, double? confidence)
    {
        if (words.Count >= MaxWords) return;
        var word = Clean(raw);
        if (word.Length is > 0 and <= MaxWordChars) words.Add(new TagWord(word, confidence));
    }

    /// <summary>Strips list markers ("1.", "2)", "-", "*"), a leading label ("Objects:"), quotes, brackets and trailing punctuation.</summary>
    private static string Clean(string raw)
    {
        var word = ListMarker().Replace(raw.Trim(), "");
        word = Label().Replace(word, "");
        word = word.Trim().Trim('"', '\'', '`', '[', ']', '{', '}', '(', ')', '*', '.', '!', '?', ':').Trim();
        return Whitespace().Replace(word, " ");
    }

    [GeneratedRegex(@"[,;\n\r]+")]
    private static partial Regex TextSeparators();

    [GeneratedRegex(@"^(?:\d{1,3}[.)]|[-*•])\s+")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z ]{0,30}:\s+")]
    private static partial Regex Label();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

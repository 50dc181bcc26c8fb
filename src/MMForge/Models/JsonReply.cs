using System.Text.Json;

namespace MMForge.Models;

/// <summary>
/// Finds the JSON in a model's reply, which may wrap it in code fences or prose ("Sure! Here are
/// the tags: ..."). Takes the first balanced object or array that parses as strict JSON; nothing
/// is evaluated or repaired (single-quoted keys stay invalid).
/// </summary>
public static class JsonReply
{
    // Bounds the work on hostile or degenerate replies (thousands of '[' that never parse).
    private const int MaxCandidates = 64;

    /// <exception cref="FormatException">The reply holds no parsable JSON object or array; the message quotes its start.</exception>
    public static JsonElement Parse(string reply) =>
        TryParse(reply, out var value) ? value : throw new FormatException($"the model reply holds no JSON object or array: {ReplyExcerpt.Quoted(reply)}");

    /// <summary>The first balanced JSON object or array in <paramref name="reply"/> that parses; false when there is none.</summary>
    public static bool TryParse(string reply, out JsonElement value)
    {
        var candidates = 0;
        for (var start = reply.IndexOfAny(['{', '[']); start >= 0 && candidates < MaxCandidates; start = reply.IndexOfAny(['{', '['], start + 1))
        {
            var end = BalancedEnd(reply, start);
            if (end < 0) continue;
            candidates++;
            try
            {
                using var document = JsonDocument.Parse(reply.AsMemory(start, end - start + 1));
                value = document.RootElement.Clone();
                return true;
            }
            catch (JsonException)
            {
                // Prose such as "[see above]" balances but is not JSON: try the next opening bracket.
            }
        }
        value = default;
        return false;
    }

    /// <summary>Index of the bracket closing the one at <paramref name="start"/>, skipping double-quoted strings; -1 if unbalanced.</summary>
    private static int BalancedEnd(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '{' or '[': depth++; break;
                case '}' or ']':
                    if (--depth == 0) return i;
                    break;
            }
        }
        return -1;
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MMForge.Models;

namespace MMForge.Synthesis.Vlm;

/// <summary>
/// Reads the model's replies to the generation and judging prompts: a question in
/// <c>{"question": ...}</c>, a score in <c>{"score": N}</c> (or, from servers without structured
/// output, a bare "8" or "8/10"). Anything else is null, and the candidate is dropped as a bad reply.
/// </summary>
public static partial class JudgeReplies
{
    public static string? Question(string reply) =>
        JsonReply.TryParse(reply, out var json) && json.ValueKind == JsonValueKind.Object
        && json.TryGetProperty("question", out var question) && question.ValueKind == JsonValueKind.String
        && question.GetString()!.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>The score 1-10 in the reply, or null.</summary>
    public static int? Score(string reply)
    {
        if (JsonReply.TryParse(reply, out var json) && json.ValueKind == JsonValueKind.Object && json.TryGetProperty("score", out var score))
        {
            var value = score.ValueKind switch
            {
                JsonValueKind.Number when score.TryGetDouble(out var number) => number,
                JsonValueKind.String when double.TryParse(score.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
                _ => double.NaN,
            };
            return InRange(value);
        }
        var bare = BareScore().Match(reply.Trim());
        return bare.Success ? InRange(int.Parse(bare.Groups[1].Value, CultureInfo.InvariantCulture)) : null;
    }

    private static int? InRange(double value) => value is >= 1 and <= 10 && value == Math.Floor(value) ? (int)value : null;

    [GeneratedRegex(@"^(?:score:\s*)?(\d{1,2})(?:\s*/\s*10)?\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex BareScore();
}

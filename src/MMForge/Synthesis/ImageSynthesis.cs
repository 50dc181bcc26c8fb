using System.Text.Json;
using System.Text.Json.Nodes;

namespace MMForge.Synthesis;

/// <summary>
/// A question/answer pair a generator accepted: its kind (the family of question: an
/// instruction type, "counting", "conversation"), its taxonomy path when it has one, and how it
/// was made and judged (style, scores, few-shot examples).
/// </summary>
public sealed record SynthesizedPair(string Question, string Answer, string Kind, string? InstructionType = null, JsonObject? Details = null);

/// <summary>A candidate a generator refused, under the check that refused it, kept for the rejects file.</summary>
public sealed record DroppedCandidate(string Rule, string Reason, string? Kind = null, string? Question = null, string? Answer = null);

/// <summary>
/// Everything a generator made of one image: the pairs it accepted, in the order they are packed,
/// and the candidates it refused. This is what the journal keeps per finished image.
/// </summary>
public sealed record ImageSynthesis(IReadOnlyList<SynthesizedPair> Pairs, IReadOnlyList<DroppedCandidate> Dropped)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Nothing generated, for the one reason given.</summary>
    public static ImageSynthesis Refused(string rule, string reason) => new([], [new DroppedCandidate(rule, reason)]);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="InvalidDataException">The text is not an image result (a damaged journal).</exception>
    public static ImageSynthesis FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ImageSynthesis>(json, Json) ?? throw new InvalidDataException("an image result is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"an image result in the synthesis journal cannot be read: {e.Message}", e);
        }
    }
}

using System.Text.Json;
using MMForge.Filters;
using MMForge.Models;

namespace MMForge.Synthesis.Llm;

/// <summary>
/// Turns the model's reply for one kind into pairs. Replies are JSON (asked for with a schema,
/// found inside any prose around it): a conversation gives one pair per question, a detailed
/// description one pair whose question is drawn from <paramref name="descriptionInstructions"/>
/// (seeded by the image key, so a rerun draws the same), complex reasoning one pair. A reply
/// that cannot be read, a refusal, or a pair that mentions the captions or boxes it came from
/// is kept as a <see cref="DroppedCandidate"/> under <see cref="ReplyScreen"/>'s rules.
/// </summary>
public sealed class ReplyReader(IReadOnlyList<string> descriptionInstructions, ulong seed)
{
    /// <summary>The taxonomy leaf of "describe this image" instructions (docs/taxonomy.md: image-topic/describe-image).</summary>
    public const string DescribeImageType = "coarse-perception/image-topic/describe-image";

    public ImageSynthesis Read(string kind, string reply, string imageKey)
    {
        if (!JsonReply.TryParse(reply, out var json)) return Unreadable(kind, reply, "the reply holds no JSON");
        // only a conversation may come as a bare array of pairs
        if (json.ValueKind != JsonValueKind.Object && kind != LlmKinds.Conversation) return Unreadable(kind, reply, "the reply's JSON is not an object");
        return kind switch
        {
            LlmKinds.Conversation => Conversation(json, reply),
            LlmKinds.DetailedDescription => Description(json, reply, imageKey),
            LlmKinds.ComplexReasoning => Judged([Pair(json)], kind, null, reply),
            _ => throw new ArgumentException($"unknown llm generator kind '{kind}'", nameof(kind)),
        };
    }

    /// <summary>The question that asks for a description of this image.</summary>
    public string DescriptionInstruction(string imageKey) =>
        descriptionInstructions[(int)(StableRandom.Unit(seed, imageKey, 0) * descriptionInstructions.Count)];

    private static ImageSynthesis Conversation(JsonElement json, string reply)
    {
        // {"conversation": [...]} as asked, or the bare array some models give without the schema
        var turns = json.ValueKind == JsonValueKind.Array ? json
            : json.TryGetProperty("conversation", out var listed) && listed.ValueKind == JsonValueKind.Array ? listed
            : (JsonElement?)null;
        if (turns is not { } list || list.GetArrayLength() == 0)
            return Unreadable(LlmKinds.Conversation, reply, "the reply holds no \"conversation\" list of questions and answers");
        return Judged([.. list.EnumerateArray().Select(Pair)], LlmKinds.Conversation, null, reply);
    }

    private ImageSynthesis Description(JsonElement json, string reply, string imageKey) =>
        Judged([(DescriptionInstruction(imageKey), Field(json, "description"))], LlmKinds.DetailedDescription, DescribeImageType, reply);

    private static (string? Question, string? Answer) Pair(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object ? (Field(item, "question"), Field(item, "answer")) : (null, null);

    private static string? Field(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>Each candidate pair accepted or dropped under the first check it fails; a reply whose every pair is empty is refused as a whole.</summary>
    private static ImageSynthesis Judged(IReadOnlyList<(string? Question, string? Answer)> candidates, string kind, string? type, string reply)
    {
        if (candidates.All(c => c.Question is null && c.Answer is null))
            return Unreadable(kind, reply, "the reply's JSON has none of the fields asked for");
        var pairs = new List<SynthesizedPair>();
        var dropped = new List<DroppedCandidate>();
        foreach (var (question, answer) in candidates)
        {
            if (question is null || answer is null)
                dropped.Add(new DroppedCandidate(SynthesisRules.BadReply, $"the {(question is null ? "question" : "answer")} is missing or empty", kind, question, answer));
            else if ((Refusals.Find(answer) ?? Refusals.Find(question)) is { } refusal)
                dropped.Add(new DroppedCandidate(SynthesisRules.Refusal, $"the model declined (\"{refusal}\")", kind, question, answer));
            else if ((ReplyScreen.Leak(question) ?? ReplyScreen.Leak(answer)) is { } leak)
                dropped.Add(new DroppedCandidate(ReplyScreen.LeakRule, $"it speaks of the text the model was given (\"{leak}\"), which a reader of the image does not have", kind, question, answer));
            else
                pairs.Add(new SynthesizedPair(question, answer, kind, type));
        }
        return new ImageSynthesis(pairs, dropped);
    }

    /// <summary>A reply with nothing usable: a refusal when it reads as one, else a bad reply; the reply itself is kept.</summary>
    private static ImageSynthesis Unreadable(string kind, string reply, string why) =>
        Refusals.Find(reply) is { } refusal
            ? new([], [new DroppedCandidate(SynthesisRules.Refusal, $"the model declined (\"{refusal}\")", kind, null, reply)])
            : new([], [new DroppedCandidate(SynthesisRules.BadReply, $"{why}: {ReplyExcerpt.Quoted(reply)}", kind, null, reply)]);
}

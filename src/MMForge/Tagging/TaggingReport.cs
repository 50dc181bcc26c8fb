using System.Text.Json.Nodes;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Statistics;

namespace MMForge.Tagging;

/// <summary>
/// <c>tag_stats.json</c>, written beside the shards by the tag stage: what the image taggers kept
/// and dropped (with the most frequent unknown words, to extend the synonyms), and the
/// <see cref="TagStatistics"/> the report draws.
/// </summary>
public static class TaggingReport
{
    public const string FileName = "tag_stats.json";

    /// <summary>How many unknown words are listed; the count covers them all.</summary>
    private const int UnknownWordsListed = 50;

    public static void Write(Stream stream, TaggingCounts counts, TagStatistics statistics)
    {
        var root = new JsonObject
        {
            ["image_taggers"] = new JsonObject
            {
                ["tagger_calls"] = counts.Samples,
                ["tags_kept"] = counts.Kept,
                ["below_threshold"] = counts.BelowThreshold,
                ["unknown"] = counts.Unknown,
                ["unknown_words"] = new JsonArray([.. counts.UnknownWords.Take(UnknownWordsListed)
                    .Select(w => (JsonNode)new JsonObject { ["word"] = w.Key, ["count"] = w.Value })]),
            },
            ["statistics"] = JsonNode.Parse(statistics.ToJson()),
        };
        using var writer = new System.Text.Json.Utf8JsonWriter(stream, JsonText.WriterOptions with { Indented = true });
        root.WriteTo(writer);
    }
}

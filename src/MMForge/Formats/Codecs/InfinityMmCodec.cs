using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// Infinity-MM records (METHOD.md section 2): LLaVA's shape plus <c>source</c>, RAM++ image tags
/// (<c>ram++_tags</c> with the parallel list <c>ram++_tags_score</c>) as <see cref="Sample.ImageTags"/>
/// by "ram++", <c>phash</c> (a list with one unsigned 64-bit integer per image, too large for a
/// long) as <see cref="ImageRef.Phash"/>, and <c>qw2vl_loss</c> as a score. A phash list that
/// does not match the images (for example a text-only sample) stays extra, as does <c>source_file</c>.
/// Written back: only RAM++ tags and the qw2vl_loss score; phash only when every image has one.
/// </summary>
public sealed class InfinityMmCodec : LlavaCodec
{
    public const string Tagger = "ram++";
    public const string LossScore = "qw2vl_loss";
    private const string TagsField = "ram++_tags";
    private const string TagScoresField = "ram++_tags_score";
    private const string PhashField = "phash";

    public override string Name => "infinity-mm";
    public override string Description => "Infinity-MM: LLaVA records with source, ram++_tags(+_score), phash [uint64] and qw2vl_loss";

    /// <summary>Only records carrying Infinity-MM's own keys; they then win over LLaVA and InternVL.</summary>
    public override int Match(JsonElement record)
    {
        var llava = base.Match(record);
        var own = CountKeys(record, TagsField, PhashField, LossScore);
        return llava > 0 && own > 0 ? llava + 10 + own : 0;
    }

    protected override bool DecodeField(JsonProperty property, Sample sample)
    {
        switch (property.Name)
        {
            case "source": sample.Source = OptString(property.Value, "source"); return true;
            case LossScore when property.Value.ValueKind != JsonValueKind.Null:
                sample.Scores[LossScore] = OptNumber(property.Value, LossScore)!.Value;
                return true;
            case TagsField: return false; // needs the score list: see ResolveCrossFields
            default: return base.DecodeField(property, sample);
        }
    }

    protected override void ResolveCrossFields(JsonElement record, Sample sample)
    {
        ResolveTags(record, sample);
        ResolvePhash(record, sample);
    }

    private static void ResolveTags(JsonElement record, Sample sample)
    {
        if (!record.TryGetProperty(TagsField, out var tags)) return;
        var names = RequireArray(tags, TagsField).EnumerateArray().Select((t, i) => RequireString(t, $"{TagsField}[{i}]")).ToList();
        var scores = record.TryGetProperty(TagScoresField, out var s) && s.ValueKind != JsonValueKind.Null
            ? RequireArray(s, TagScoresField).EnumerateArray().Select((v, i) => OptNumber(v, $"{TagScoresField}[{i}]")).ToList()
            : null;
        if (scores is not null && scores.Count != names.Count)
            throw RecordException.BadField(TagScoresField, $"a list as long as {TagsField} ({names.Count} tags), found {scores.Count} scores");
        for (var i = 0; i < names.Count; i++) sample.ImageTags.Add(new ImageTag(names[i], scores?[i], Tagger));
        sample.Extra.Remove(TagsField);
        sample.Extra.Remove(TagScoresField);
    }

    private static void ResolvePhash(JsonElement record, Sample sample)
    {
        if (!record.TryGetProperty(PhashField, out var value) || value.ValueKind != JsonValueKind.Array
            || sample.Images.Count == 0 || value.GetArrayLength() != sample.Images.Count) return;
        var i = 0;
        foreach (var hash in value.EnumerateArray())
        {
            if (hash.ValueKind != JsonValueKind.Number || !hash.TryGetUInt64(out var phash))
                throw RecordException.BadField($"{PhashField}[{i}]", $"an unsigned 64-bit integer, found {hash.GetRawText()}");
            sample.Images[i++].Phash = phash;
        }
        sample.Extra.Remove(PhashField);
    }

    protected override void EncodeFields(Utf8JsonWriter writer, Sample sample)
    {
        if (sample.Source is not null) writer.WriteString("source", sample.Source);
        base.EncodeFields(writer, sample);
        var tags = sample.ImageTags.Where(t => t.By == Tagger).ToList();
        if (tags.Count > 0)
        {
            writer.WriteStartArray(TagsField);
            foreach (var tag in tags) writer.WriteStringValue(tag.Tag);
            writer.WriteEndArray();
        }
        if (tags.Any(t => t.Score is not null))
        {
            writer.WriteStartArray(TagScoresField);
            foreach (var tag in tags)
                if (tag.Score is { } score) writer.WriteNumberValue(score);
                else writer.WriteNullValue();
            writer.WriteEndArray();
        }
        if (sample.Images.Count > 0 && sample.Images.All(i => i.Phash is not null))
        {
            writer.WriteStartArray(PhashField);
            foreach (var image in sample.Images) writer.WriteNumberValue(image.Phash!.Value);
            writer.WriteEndArray();
        }
        if (sample.Scores.TryGetValue(LossScore, out var loss)) writer.WriteNumber(LossScore, loss);
    }
}

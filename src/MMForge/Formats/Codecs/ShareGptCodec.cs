using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.ChatFields;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// LLaMA-Factory "sharegpt" records: <c>conversations</c> [{from, value}] with roles human, gpt,
/// function_call, observation and system, an <c>images</c> path list, and optional top-level
/// <c>system</c> and <c>tools</c> strings. The top-level system prompt becomes a leading system
/// turn and a leading system turn is written back as <c>system</c>, so read(write(x)) == x; a
/// record with both gets two system turns, and writes the second back inside the conversation.
/// <c>tools</c> and any other key are kept as extra fields. An <c>image</c> key is not LLaMA-Factory's and stays extra.
/// </summary>
public sealed class ShareGptCodec : LlavaCodec
{
    public override string Name => "sharegpt";
    public override string Description => "LLaMA-Factory sharegpt: {conversations [{from, value}], images [paths], system, tools}";

    /// <summary>Above LLaVA when one of LLaMA-Factory's own keys is present; otherwise the record is plain LLaVA.</summary>
    public override int Match(JsonElement record)
    {
        var own = CountKeys(record, "images", "system", "tools");
        return base.Match(record) > 0 && own > 0 ? 12 + own : 0;
    }

    protected override bool DecodeField(JsonProperty property, Sample sample)
    {
        switch (property.Name)
        {
            case "images": ReadImagePaths(property.Value, "images", sample); return true;
            case "system": ReadSystemPrompt(property.Value, sample); return true;
            case "image": return false;
            default: return base.DecodeField(property, sample);
        }
    }

    protected override void EncodeFields(Utf8JsonWriter writer, Sample sample)
    {
        var skip = WriteSystemPrompt(writer, sample);
        WriteTurns(writer, "conversations", sample.Turns.Skip(skip), "from", "value", role => role);
        if (sample.Images.Count > 0) WritePathList(writer, "images", sample.Images);
    }
}

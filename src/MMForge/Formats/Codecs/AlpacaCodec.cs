using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.ChatFields;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// LLaMA-Factory "alpaca" records (also LLaVA's GPT-4 QA files): <c>instruction</c> and optional
/// <c>input</c>, <c>output</c>, optional <c>system</c> and <c>history</c> [[question, answer], ...],
/// images from <c>images</c> (list) or <c>image</c> (path), and <c>id</c>. Read into turns: the
/// system prompt first, the history pairs, then one human turn holding instruction and input
/// joined by "\n" (as LLaMA-Factory builds the prompt) and the gpt output. Written back with the
/// whole human text as <c>instruction</c> and no <c>input</c>: the split point is not recorded,
/// and the prompt a model sees is the same. Other keys (such as LLaVA's <c>type</c>) stay extra.
/// </summary>
public sealed class AlpacaCodec : IRecordCodec
{
    public string Name => "alpaca";
    public string Description => "LLaMA-Factory alpaca: {instruction, input, output, system, history [[q, a]], images [paths] or image}";

    public int Match(JsonElement record) =>
        CountKeys(record, "instruction", "output") == 2
            ? 10 + CountKeys(record, "input", "history", "system", "images", "image")
            : 0;

    public Sample Decode(JsonElement record)
    {
        var sample = new Sample();
        string? instruction = null, input = null, output = null, system = null;
        var history = new List<Turn>();
        foreach (var property in RequireObject(record).EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "id": ReadId(v, sample); break;
                case "instruction": instruction = OptString(v, "instruction"); break;
                case "input": input = OptString(v, "input"); break;
                case "output": output = OptString(v, "output"); break;
                case "system": system = OptString(v, "system"); break;
                case "history": ReadHistory(v, history); break;
                case "images" or "image": ReadImagePaths(v, property.Name, sample); break;
                default: sample.Extra.Set(property.Name, v); break;
            }
        }
        if (system is not null) sample.Turns.Add(new Turn(Roles.System, system));
        sample.Turns.AddRange(history);
        var query = string.IsNullOrEmpty(input) ? instruction ?? "" : (instruction is { Length: > 0 } ? instruction + "\n" + input : input);
        sample.Turns.Add(new Turn(Roles.Human, query));
        sample.Turns.Add(new Turn(Roles.Gpt, output ?? ""));
        return sample;
    }

    private static void ReadHistory(JsonElement value, List<Turn> into)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        var index = 0;
        foreach (var pair in RequireArray(value, "history").EnumerateArray())
        {
            var where = $"history[{index++}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
                throw RecordException.BadField(where, "a [question, answer] pair");
            into.Add(new Turn(Roles.Human, RequireString(pair[0], where + "[0]")));
            into.Add(new Turn(Roles.Gpt, RequireString(pair[1], where + "[1]")));
        }
    }

    public void Encode(Utf8JsonWriter writer, Sample sample)
    {
        var skip = sample.Turns is [{ Role: Roles.System }, ..] ? 1 : 0;
        var pairs = sample.Turns.Skip(skip).Chunk(2).ToList();
        if (pairs.Count == 0 || pairs.Any(p => p is not [{ Role: Roles.Human }, { Role: Roles.Gpt }]) || sample.Turns.Any(t => t.Extra is not null))
            throw new RecordException(RejectRules.BadRecord,
                $"sample '{sample.Id}' cannot be written as alpaca: its turns must be an optional system turn, then human/gpt pairs, without per-turn fields");
        writer.WriteStartObject();
        WriteIdIfAny(writer, sample);
        if (skip == 1) writer.WriteString("system", sample.Turns[0].Value);
        writer.WriteString("instruction", pairs[^1][0].Value);
        writer.WriteString("output", pairs[^1][1].Value);
        if (pairs.Count > 1)
        {
            writer.WriteStartArray("history");
            foreach (var pair in pairs.SkipLast(1))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(pair[0].Value);
                writer.WriteStringValue(pair[1].Value);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        if (sample.Images.Count > 0) WritePathList(writer, "images", sample.Images);
        sample.Extra.WriteTo(writer);
        writer.WriteEndObject();
    }
}

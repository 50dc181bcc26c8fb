using System.Text.Json;
using MMForge.Records;
using static MMForge.Formats.Codecs.JsonFields;

namespace MMForge.Formats.Codecs;

/// <summary>
/// Fields shared by the LLaMA-Factory family of formats (sharegpt, messages, alpaca) and
/// Data-Juicer: an optional id, an <c>images</c> path list and a top-level <c>system</c> prompt.
/// A top-level system prompt is represented as a leading system turn, the form ChatML-style
/// formats write it in, so every format reads the same prompt into the same sample.
/// </summary>
public static class ChatFields
{
    /// <summary>These formats have no id of their own; one is written only when the sample has one.</summary>
    public static void WriteIdIfAny(Utf8JsonWriter writer, Sample sample)
    {
        if (sample.Id.Length > 0 || sample.IdIsNumber) WriteId(writer, sample);
    }

    /// <summary>Reads a top-level system prompt as a leading system turn (the key may come before or after the dialogue).</summary>
    public static void ReadSystemPrompt(JsonElement value, Sample sample)
    {
        if (OptString(value, "system") is { } prompt) sample.Turns.Insert(0, new Turn(Roles.System, prompt));
    }

    /// <summary>
    /// The leading system turn written as a top-level <c>system</c> string, when the sample has
    /// one without per-turn extras (those cannot be expressed in a plain string); returns how many turns it covered.
    /// </summary>
    public static int WriteSystemPrompt(Utf8JsonWriter writer, Sample sample)
    {
        if (sample.Turns is not [{ Role: Roles.System, Extra: null } system, ..]) return 0;
        writer.WriteString("system", system.Value);
        return 1;
    }
}

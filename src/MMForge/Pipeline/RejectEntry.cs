using System.Text.Json;
using MMForge.Formats;
using MMForge.Formats.Codecs;
using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>
/// Encodes one line of <c>rejects/rejects.jsonl</c>: the stage, rule and reason, where the
/// record was read from, and the record itself (decoded when possible, raw text otherwise, raw
/// base64 when not UTF-8), so a rejected record can always be inspected and recovered.
/// </summary>
public static class RejectEntry
{
    /// <summary>Raw records larger than this are not copied into the rejects file; the entry gives offset and length instead.</summary>
    public const int MaxEmbeddedBytes = 1 << 20;

    public static byte[] ForRecord(string stage, string rule, string reason, RecordLocation location, string? source, Sample? sample, ReadOnlyMemory<byte> raw) =>
        Encode(w =>
        {
            WriteHeader(w, stage, rule, reason, location, source, sample?.Id);
            w.WriteString("action", "rejected");
            if (sample is not null)
            {
                w.WritePropertyName("record");
                MMForgeCodec.Instance.Encode(w, sample);
            }
            else WriteRaw(w, raw.Span);
        });

    public static byte[] ForDroppedTurns(string stage, string rule, string reason, RecordLocation location, Sample sample, IReadOnlyList<Turn> turns) =>
        Encode(w =>
        {
            WriteHeader(w, stage, rule, reason, location, sample.Source, sample.Id);
            w.WriteString("action", "dropped-turns");
            JsonFields.WriteTurns(w, "turns", turns, "from", "value", role => role);
        });

    private static void WriteHeader(Utf8JsonWriter w, string stage, string rule, string reason, RecordLocation location, string? source, string? id)
    {
        w.WriteString("stage", stage);
        w.WriteString("rule", rule);
        w.WriteString("reason", reason);
        if (source is not null) w.WriteString("source", source);
        if (!string.IsNullOrEmpty(id)) w.WriteString("id", id);
        w.WriteString("file", location.File);
        if (location.Line is { } line) w.WriteNumber("line", line);
        if (location.Member is not null) w.WriteString("member", location.Member);
        w.WriteNumber("offset", location.Offset);
        if (location.Length >= 0) w.WriteNumber("length", location.Length);
    }

    private static void WriteRaw(Utf8JsonWriter w, ReadOnlySpan<byte> raw)
    {
        if (raw.IsEmpty) return;
        if (raw.Length > MaxEmbeddedBytes)
        {
            w.WriteString("raw_omitted", $"{raw.Length:N0} bytes; read them from file at offset");
            return;
        }
        if (System.Text.Unicode.Utf8.IsValid(raw)) w.WriteString("raw", raw);
        else w.WriteBase64String("raw_base64", raw);
    }

    private static byte[] Encode(Action<Utf8JsonWriter> body) => JsonText.Utf8(w =>
    {
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    });
}

using System.Text;
using System.Text.Json;
using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Tests.Formats.Codecs;

/// <summary>Decoding, encoding and detecting single records written inline in tests.</summary>
public static class CodecRecords
{
    public static IRecordCodec Codec(string name) => FormatRegistry.Default.Codec(name);

    public static Sample Decode(string codec, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Codec(codec).Decode(doc.RootElement);
    }

    public static string Encode(string codec, Sample sample) => JsonText.Write(w => Codec(codec).Encode(w, sample));

    public static string? Detect(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return FormatRegistry.Default.DetectCodec(doc.RootElement)?.Name;
    }

    /// <summary>The rejection a record gets, as the pipeline would report it.</summary>
    public static RecordError Reject(string codec, string json)
    {
        var raw = new RawRecord(Encoding.UTF8.GetBytes(json), new RecordLocation("test.jsonl", 1, 0, json.Length));
        var decoded = RecordDecoder.Decode(raw, Codec(codec));
        Assert.Null(decoded.Sample);
        return decoded.Error!;
    }
}

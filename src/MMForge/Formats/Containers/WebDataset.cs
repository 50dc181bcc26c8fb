using System.Text.Json;
using System.Text.Unicode;
using MMForge.Formats.Codecs;
using MMForge.Records;

namespace MMForge.Formats.Containers;

/// <summary>
/// Opens a WebDataset tar (plain or gzipped) as one source. Each key's <c>.json</c> member is
/// the record and its image members are attached in member order (Infinity-MM shards: key.json
/// + key.jpg, empty for text-only samples). A key without a <c>.json</c> member (image-caption
/// shards: key.jpg + key.txt) is read as an mmforge record {id: key, text: caption} with its
/// images attached; that needs the source's codec to be mmforge, which it is when the shard has
/// no json records at all or was written by mmforge.
/// </summary>
public static class WebDataset
{
    /// <summary>Keys inspected for format detection before giving up (the first may be damaged).</summary>
    private const int DetectionKeys = 16;

    public static OpenedSource Open(SourceRequest request, FormatRegistry registry)
    {
        var codec = request.Format is { } name ? registry.Codec(name) : DetectCodec(request, registry);
        var synthesize = codec is MMForgeCodec;
        return new OpenedSource(request.SourceName ?? SourceOpener.DefaultSourceName(request.Path), codec, Records(request, synthesize))
        {
            ImageRoot = request.ImageRoot ?? Path.GetDirectoryName(Path.GetFullPath(request.Path)),
            File = request.Path,
            Container = "tar",
        };
    }

    private static IEnumerable<WebDatasetKey> Keys(SourceRequest request) =>
        WebDatasetReader.Keys(SourceOpener.OpenRead(request.Path), request.MaxRecordBytes);

    private static IEnumerable<RawRecord> Records(SourceRequest request, bool synthesize)
    {
        foreach (var key in Keys(request)) yield return ToRecord(key, request.Path, synthesize);
    }

    private static RawRecord ToRecord(WebDatasetKey key, string file, bool synthesize)
    {
        var location = new RecordLocation(file, null, key.Offset, key.End - key.Offset, key.Key);
        if (key.Error is not null) return RawRecord.Failed(location, key.Error);
        if (key.Json is not null) return new RawRecord(key.Json, location) { Attachments = key.Images };
        if (!synthesize)
            return RawRecord.Failed(location, new RecordError(RejectRules.BadRecord,
                $"key '{key.Key}' has no .json member, so there is no record to read with this shard's format"));
        if (key.Caption is null && key.Images.Count == 0)
            return RawRecord.Failed(location, new RecordError(RejectRules.BadRecord,
                $"key '{key.Key}' has no .json, caption or image member"));
        if (key.Caption is not null && !Utf8.IsValid(key.Caption))
            return RawRecord.Failed(location, new RecordError(RejectRules.InvalidUtf8, $"member '{key.CaptionMember}' is not valid UTF-8 text"));
        return new RawRecord(CaptionRecord(key), location) { Attachments = key.Images };
    }

    /// <summary>The mmforge record standing for a key without a json member: its key as id and its caption as text.</summary>
    private static byte[] CaptionRecord(WebDatasetKey key) => JsonText.Utf8(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", key.Key);
        if (key.Caption is not null) w.WriteString("text", key.Caption);
        w.WriteEndObject();
    });

    /// <summary>The codec of the first json record that one matches; mmforge when the shard has no json records.</summary>
    private static IRecordCodec DetectCodec(SourceRequest request, FormatRegistry registry)
    {
        var jsonRecords = Keys(request).Take(DetectionKeys).Where(k => k.Error is null && k.Json is not null).Select(k => (ReadOnlyMemory<byte>)k.Json!);
        var detection = registry.DetectCodec(jsonRecords);
        if (detection.Codec is { } codec) return codec;
        if (detection.Seen == 0) return MMForgeCodec.Instance;
        throw new FormatException($"{request.Path}: cannot tell the format of the tar's .json records{registry.FormatAdvice(detection)}");
    }
}

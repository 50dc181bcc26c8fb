using System.Text.Json;
using System.Text.Unicode;
using MMForge.Records;

namespace MMForge.Formats;

/// <summary>The outcome of decoding one raw record: a sample, or the reason it cannot be read.</summary>
public readonly record struct Decoded(Sample? Sample, RecordError? Error);

/// <summary>
/// Turns one raw record into a sample with its codec: checks UTF-8, parses the JSON, decodes,
/// attaches WebDataset members and fills provenance. Every failure becomes a named error for
/// the rejects file, never an exception.
/// </summary>
public static class RecordDecoder
{
    public static Decoded Decode(RawRecord raw, IRecordCodec codec)
    {
        if (raw.Error is not null) return new(null, raw.Error);
        var json = raw.Json.Span;
        if (!Utf8.IsValid(json))
        {
            var bad = FirstInvalidUtf8(json);
            return new(null, new RecordError(RejectRules.InvalidUtf8, $"invalid UTF-8 at byte {bad} of the record"));
        }
        Sample sample;
        try
        {
            using var doc = JsonDocument.Parse(raw.Json, JsonText.ReadOptions);
            sample = codec.Decode(doc.RootElement);
        }
        catch (JsonException e)
        {
            return new(null, new RecordError(RejectRules.MalformedJson,
                $"malformed JSON at {JsonErrors.Position(e, raw.Location.Line ?? 1)}: {JsonErrors.Reason(e)}"));
        }
        catch (RecordException e)
        {
            return new(null, e.ToError());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or OverflowException)
        {
            // JsonElement accessors throw these on shapes a codec did not expect
            return new(null, new RecordError(RejectRules.BadRecord, $"{codec.Name} record has an unexpected shape: {e.Message}"));
        }
        if (raw.Attachments.Count > 0) Attachments.Attach(sample, raw.Attachments);
        if (sample.Provenance.File is null)
        {
            sample.Provenance.File = raw.Location.File;
            sample.Provenance.Line = raw.Location.Member is null ? raw.Location.Line : null;
            sample.Provenance.Member = raw.Location.Member;
        }
        return new(sample, null);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> json)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(json, new char[json.Length], out var read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.InvalidData ? read : json.Length;
    }
}

/// <summary>How WebDataset members attach to the record decoded from the same key.</summary>
public static class Attachments
{
    /// <summary>
    /// Image members fill the sample's images in order: when the record named its images, the
    /// bytes join those entries (an empty member means the image is absent, as Infinity-MM
    /// writes text-only samples); otherwise each member becomes an embedded image.
    /// </summary>
    public static void Attach(Sample sample, IReadOnlyList<Attachment> attachments)
    {
        var images = attachments.Where(a => a.Bytes.Length > 0).ToList();
        if (sample.Images.Count == images.Count)
        {
            for (var i = 0; i < images.Count; i++) sample.Images[i].Bytes = images[i].Bytes;
            return;
        }
        if (images.Count == 0)
        {
            sample.Images.Clear(); // text-only: the record's image field named an empty member
            return;
        }
        if (sample.Images.Count == 0)
        {
            foreach (var a in images) sample.Images.Add(new ImageRef { Bytes = a.Bytes });
            return;
        }
        throw new RecordException(RejectRules.BadRecord, $"record names {sample.Images.Count} images but the shard holds {images.Count} image members for it");
    }
}

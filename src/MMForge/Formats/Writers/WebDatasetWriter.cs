using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MMForge.Formats.Codecs;
using MMForge.Formats.Containers;
using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>
/// Writes samples as WebDataset tar shards: per sample a <c>key.json</c> record and its image
/// members, keys being the zero-padded sample number. Two layouts:
/// <list type="bullet">
/// <item>unified (<c>--to webdataset</c>): the mmforge record with image bytes moved out to
/// members named by their sniffed format (key.jpg, key.1.png, ...). When not every image can
/// become a member (a path-only image, or bytes of an unknown format), the bytes stay inline in
/// the record instead, because the reader pairs members with images only when all are members.</item>
/// <item>codec (<c>--to infinity-mm out.tar</c>, any path-only codec): the codec's record, and
/// image members named .jpg as the Infinity-MM release does (key.jpg, key.1.jpg; an empty
/// key.jpg for a text-only sample). Images with bytes but no path are given the member name as
/// their path; path-only images get no member.</item>
/// </list>
/// </summary>
public sealed class WebDatasetWriter : ISampleWriter
{
    private readonly IRecordCodec _codec;
    private readonly TarShardWriter _shards;
    private long _count;

    private WebDatasetWriter(string path, IRecordCodec codec)
    {
        _codec = codec;
        _shards = new TarShardWriter(path);
    }

    /// <summary>Shards of mmforge records with image members (<c>--to webdataset</c>).</summary>
    public static WebDatasetWriter Unified(string path) => new(path, MMForgeCodec.Instance);

    /// <summary>Shards of another codec's records (Infinity-MM: key.json + key.jpg).</summary>
    public static WebDatasetWriter ForCodec(string path, IRecordCodec codec) =>
        codec is MMForgeCodec ? Unified(path) : new(path, codec);

    /// <summary>What the record codec cannot hold; in the codec layout, also a mix of embedded and path-only images.</summary>
    public string? CannotWrite(Sample sample) =>
        _codec.CannotWrite(sample) ?? (_codec is not MMForgeCodec && MixesEmbeddedAndPathOnly(sample) ? MixedImages : null);

    private const string MixedImages = "the sample mixes embedded and path-only images, which a shard of key.json + image members cannot pair up";

    private static bool HasBytes(ImageRef image) => image.Bytes is { Length: > 0 };

    private static bool MixesEmbeddedAndPathOnly(Sample sample) => sample.Images.Any(HasBytes) && !sample.Images.All(HasBytes);

    public void Write(Sample sample)
    {
        var key = _count.ToString("D9", CultureInfo.InvariantCulture);
        var (record, members) = _codec is MMForgeCodec ? UnifiedLayout(sample, key) : CodecLayout(sample, key);
        _shards.BeginSample();
        _shards.Add(key + ".json", Encode(record));
        foreach (var (name, bytes) in members) _shards.Add(name, bytes);
        _count++;
    }

    private static (Sample Record, List<(string Name, byte[] Bytes)> Members) UnifiedLayout(Sample sample, string key)
    {
        var members = new List<(string, byte[])>();
        if (sample.Images.Count == 0 || !sample.Images.All(i => HasBytes(i) && ImageFormatSniffer.Format(i.Bytes) is not null))
            return (sample, members);
        var record = SampleCopy.Shallow(sample);
        record.Images.Clear();
        for (var i = 0; i < sample.Images.Count; i++)
        {
            var image = sample.Images[i];
            members.Add((MemberName(key, i, ImageFormatSniffer.Extension(image.Bytes!)), image.Bytes!));
            record.Images.Add(Copy(image, image.Path));
        }
        return (record, members);
    }

    private static (Sample Record, List<(string Name, byte[] Bytes)> Members) CodecLayout(Sample sample, string key)
    {
        var members = new List<(string, byte[])>();
        if (sample.Images.Count == 0)
        {
            members.Add((MemberName(key, 0, ".jpg"), [])); // Infinity-MM marks a text-only sample with an empty image member
            return (sample, members);
        }
        if (MixesEmbeddedAndPathOnly(sample)) throw new RecordException(RejectRules.BadRecord, MixedImages);
        if (!sample.Images.Any(HasBytes)) return (sample, members);
        var record = SampleCopy.Shallow(sample);
        record.Images.Clear();
        for (var i = 0; i < sample.Images.Count; i++)
        {
            var image = sample.Images[i];
            var name = MemberName(key, i, ".jpg");
            members.Add((name, image.Bytes!));
            record.Images.Add(Copy(image, image.Path ?? name));
        }
        return (record, members);
    }

    /// <summary>key.jpg for the first image, key.1.png for the second...: the key stays the part before the first dot.</summary>
    private static string MemberName(string key, int index, string extension) =>
        index == 0 ? key + extension : $"{key}.{index}{extension}";

    /// <summary>The image without its bytes (they travel as a member), with the given path.</summary>
    private static ImageRef Copy(ImageRef image, string? path) => new()
    {
        Path = path, Root = image.Root, Sha256 = image.Sha256, Phash = image.Phash,
        Width = image.Width, Height = image.Height, Format = image.Format,
    };

    private byte[] Encode(Sample record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonText.WriterOptions))
            _codec.Encode(w, record);
        return buffer.WrittenSpan.ToArray();
    }

    public void Complete() => _shards.Complete();

    public void Dispose() => _shards.Dispose();
}

using System.IO.Compression;
using System.Text.Json;
using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>
/// Writes samples through a record codec as a JSON array (<c>.json</c>) or JSON Lines
/// (<c>.jsonl</c>, <c>.jsonl.gz</c>), streaming: memory stays at one record whatever the size.
/// </summary>
public sealed class JsonRecordsWriter : ISampleWriter
{
    private readonly IRecordCodec _codec;
    private readonly AtomicFile _file;
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly bool _array;
    private readonly ImageSpill? _spill;
    private long _count;

    public JsonRecordsWriter(string path, IRecordCodec codec, bool array)
    {
        _codec = codec;
        _array = array;
        _file = new AtomicFile(path);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(_file.Stream, CompressionLevel.Fastest, leaveOpen: true)
            : _file.Stream;
        _json = new Utf8JsonWriter(_stream, JsonText.WriterOptions);
        _spill = codec.EmbedsImages ? null : new ImageSpill(path);
        if (_array) _stream.WriteByte((byte)'[');
    }

    public long Count => _count;

    public string? CannotWrite(Sample sample) => _codec.CannotWrite(sample);

    public void Write(Sample sample)
    {
        if (_array && _count > 0) _stream.WriteByte((byte)',');
        if (_array) _stream.WriteByte((byte)'\n');
        _codec.Encode(_json, WithImagePaths(sample));
        _json.Flush();
        _json.Reset();
        if (!_array) _stream.WriteByte((byte)'\n');
        _count++;
    }

    /// <summary>For path-only formats, a view of the sample whose embedded images have been saved as files.</summary>
    private Sample WithImagePaths(Sample sample)
    {
        if (_spill is null || sample.Images.All(i => i.Path is not null)) return sample;
        var copy = SampleCopy.Shallow(sample);
        copy.Images.Clear();
        copy.Images.AddRange(_spill.WithPaths(sample.Images));
        return copy;
    }

    public void Complete()
    {
        if (_array) _stream.Write("\n]\n"u8);
        _json.Dispose();
        if (_stream != _file.Stream) _stream.Dispose();
        _file.Commit();
    }

    public void Dispose()
    {
        _json.Dispose();
        if (_stream != _file.Stream) _stream.Dispose();
        _file.Dispose();
    }
}

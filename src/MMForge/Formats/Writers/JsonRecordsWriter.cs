using System.IO.Compression;
using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>
/// Writes samples through a record codec as a JSON array (<c>.json</c>) or JSON Lines
/// (<c>.jsonl</c>, <c>.jsonl.gz</c>), streaming: memory stays at one record whatever the size.
/// Records may be encoded ahead on worker threads (<see cref="Encoder"/>), leaving the writing
/// thread only the separators and the copy into the file.
/// </summary>
public sealed class JsonRecordsWriter : ISampleWriter
{
    private readonly IRecordCodec _codec;
    private readonly AtomicFile _file;
    private readonly Stream _stream;
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
        _spill = codec.EmbedsImages ? null : new ImageSpill(path);
        if (_array) _stream.WriteByte((byte)'[');
        Encoder = Encode;
    }

    public long Count => _count;

    public string? CannotWrite(Sample sample) => _codec.CannotWrite(sample);

    public void Write(Sample sample)
    {
        var encoded = Encode(sample);
        WriteEncoded(encoded);
        JsonText.ReturnPooled(encoded);
    }

    /// <summary>Encodes on the calling thread; thread-safe (the codecs keep no state, and <see cref="ImageSpill"/> takes concurrent saves).</summary>
    public Func<Sample, ArraySegment<byte>> Encoder { get; }

    private ArraySegment<byte> Encode(Sample sample) => JsonText.Utf8Pooled(w => _codec.Encode(w, WithImagePaths(sample)));

    public void WriteEncoded(ReadOnlySpan<byte> record)
    {
        if (_array) _stream.Write(_count > 0 ? ",\n"u8 : "\n"u8);
        _stream.Write(record);
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
        if (_stream != _file.Stream) _stream.Dispose();
        _file.Commit();
    }

    public void Dispose()
    {
        if (_stream != _file.Stream) _stream.Dispose();
        _file.Dispose();
    }
}

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

    /// <summary>
    /// Joins files this writer wrote (<c>.json</c> arrays or <c>.jsonl</c>, all of one kind) into
    /// <paramref name="path"/>, record for record as if one writer had written them all in order:
    /// the bytes are copied, never parsed, so the join costs a read and a write of each file.
    /// </summary>
    public static void Join(IReadOnlyList<string> parts, string path)
    {
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"{path}: gzip-compressed records files cannot be joined byte for byte");
        var array = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        using var file = new AtomicFile(path);
        if (array) file.Stream.WriteByte((byte)'[');
        var written = false;
        foreach (var part in parts)
        {
            using var input = File.OpenRead(part);
            var body = input.Length;
            if (array)
            {
                // a part is "[" + ("\n" record | ",\n" record)... + "\n]\n": its records run from
                // byte 1 to 3 before the end, and a part after written records opens with ",\n"
                body = input.Length - "[\n]\n".Length;
                if (body < 0 || input.ReadByte() != '[') throw new FormatException($"{part} is not a JSON array this writer wrote");
                if (body == 0) continue;
                if (written) file.Stream.WriteByte((byte)',');
            }
            CopyBytes(input, file.Stream, body);
            written = true;
        }
        if (array) file.Stream.Write("\n]\n"u8);
        file.Commit();
    }

    private static void CopyBytes(Stream input, Stream output, long count)
    {
        var buffer = new byte[1 << 16];
        while (count > 0)
        {
            var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0) throw new EndOfStreamException("a records file shrank while it was being joined");
            output.Write(buffer, 0, read);
            count -= read;
        }
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

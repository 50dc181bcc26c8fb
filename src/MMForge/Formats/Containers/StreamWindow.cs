using System.Buffers;

namespace MMForge.Formats.Containers;

/// <summary>
/// A sliding window over a stream for the record splitters: bytes from <see cref="Start"/> (the
/// current record's first byte) to <see cref="End"/> stay buffered while the splitter scans,
/// the buffer grows only as far as the largest record needs, and <see cref="Skip"/> lets a
/// splitter drop an oversized record without holding it.
/// </summary>
internal sealed class StreamWindow : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private bool _eof;

    public StreamWindow(Stream stream, int initialSize = 1 << 20)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    public byte[] Buffer => _buffer;

    /// <summary>First buffered byte that must be kept (the start of the record being scanned).</summary>
    public int Start { get; set; }

    /// <summary>One past the last valid byte.</summary>
    public int End { get; private set; }

    /// <summary>File offset of <c>Buffer[0]</c>.</summary>
    public long BaseOffset { get; private set; }

    public bool AtEof => _eof;

    public long OffsetOf(int index) => BaseOffset + index;

    public ReadOnlySpan<byte> Span(int from, int to) => _buffer.AsSpan(from, to - from);

    /// <summary>
    /// Reads more bytes, first moving the kept part to the front and growing the buffer when
    /// the kept part fills it. Returns how far existing indices moved (subtract it from any
    /// index the caller holds), or -1 at end of stream.
    /// </summary>
    public int Fill()
    {
        if (_eof) return -1;
        var shift = Start;
        if (shift > 0)
        {
            Array.Copy(_buffer, shift, _buffer, 0, End - shift);
            End -= shift;
            Start = 0;
            BaseOffset += shift;
        }
        if (End == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Array.Copy(_buffer, bigger, End);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        var read = _stream.Read(_buffer, End, _buffer.Length - End);
        if (read == 0)
        {
            _eof = true;
            return shift == 0 ? -1 : shift;
        }
        End += read;
        return shift;
    }

    /// <summary>Forgets buffered bytes before <paramref name="index"/> (used while skipping an oversized record).</summary>
    public void Skip(int index) => Start = index;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _stream.Dispose();
    }
}

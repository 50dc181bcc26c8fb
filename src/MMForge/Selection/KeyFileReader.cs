using System.Text;

namespace MMForge.Selection;

/// <summary>
/// Reads what a <see cref="BinaryWriter"/> wrote (bytes, 7-bit encoded numbers, little-endian
/// 64-bit numbers, length-prefixed UTF-8 strings) from a file through a buffer of its own: a
/// <see cref="BinaryReader"/> pays a call through the stream for every byte, and the select
/// decide step reads every key file many times.
/// </summary>
internal sealed class KeyFileReader(string path) : IDisposable
{
    private readonly FileStream _file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
    private readonly byte[] _buffer = new byte[1 << 18];
    private int _at, _end;
    private long _consumed;

    /// <summary>Bytes read from the start of the file.</summary>
    public long Position => _consumed + _at;

    public byte ReadByte()
    {
        if (_at == _end) Fill();
        return _buffer[_at++];
    }

    public int Read7BitEncodedInt()
    {
        var value = Read7BitEncodedInt64();
        return value is >= int.MinValue and <= uint.MaxValue ? (int)value : throw new InvalidDataException($"{path}: a number at byte {Position} is too large");
    }

    public long Read7BitEncodedInt64()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return (long)value;
        }
        throw new InvalidDataException($"{path}: a number at byte {Position} runs on too long");
    }

    public ulong ReadUInt64()
    {
        ulong value = 0;
        for (var i = 0; i < 8; i++) value |= (ulong)ReadByte() << (8 * i);
        return value;
    }

    public string ReadString()
    {
        var length = Read7BitEncodedInt();
        if (length < 0 || length > 1 << 20) throw new InvalidDataException($"{path}: a string at byte {Position} claims {length} bytes");
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = ReadByte();
        return Encoding.UTF8.GetString(bytes);
    }

    private void Fill()
    {
        _consumed += _end;
        (_at, _end) = (0, _file.Read(_buffer));
        if (_end == 0) throw new EndOfStreamException($"{path} ends before its end mark: it is cut short");
    }

    public void Dispose() => _file.Dispose();
}

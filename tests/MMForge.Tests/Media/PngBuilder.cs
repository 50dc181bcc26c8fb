using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MMForge.Tests.Media;

/// <summary>Hand-made PNG files, for layouts and headers no sample image has.</summary>
internal static class PngBuilder
{
    public const byte Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, RgbAlpha = 6;

    /// <summary>A one-row image of 16-bit big-endian samples, filter type 0.</summary>
    public static byte[] SixteenBitRow(byte colourType, int width, params ushort[] samples)
    {
        var row = new byte[1 + samples.Length * 2];
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(1 + 2 * i), samples[i]);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal)) zlib.Write(row);
        return Build(width, 1, 16, colourType, compressed.ToArray());
    }

    /// <summary>
    /// An 8-bit image of packed samples (for <see cref="Palette"/>, one index per pixel), with the
    /// chunks that go before the image data, such as PLTE and tRNS.
    /// </summary>
    public static byte[] EightBit(byte colourType, int width, int height, byte[] samples, params (string Type, byte[] Data)[] chunks)
    {
        var rowLength = samples.Length / height;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal))
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type 0
                zlib.Write(samples, y * rowLength, rowLength);
            }
        return Build(width, height, 8, colourType, compressed.ToArray(), chunks);
    }

    /// <summary>An 8-bit RGB header of any size followed by the given (possibly far too short) IDAT.</summary>
    public static byte[] HeaderOnly(int width, int height, byte[] idat) => Build(width, height, 8, Rgb, idat);

    private static byte[] Build(int width, int height, byte bitDepth, byte colourType, byte[] idat, params (string Type, byte[] Data)[] chunks)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", ihdr);
        foreach (var (type, data) in chunks) WriteChunk(png, type, data);
        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    /// <summary>The PNG chunk CRC (IEEE 802.3, reflected), which libpng checks.</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}

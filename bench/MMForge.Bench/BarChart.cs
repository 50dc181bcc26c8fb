using System.Buffers.Binary;
using System.IO.Compression;

namespace MMForge.Bench;

/// <summary>
/// A bar chart drawn in flat colours on white and stored as an RGB PNG, like the chart and
/// screenshot images of document/chart QA sets (which come as PNG). Seeded by its caller's Random.
/// </summary>
public static class BarChart
{
    public static (byte[] Png, int Width, int Height) Make(Random random)
    {
        int width = random.Next(320, 1025), height = random.Next(240, 769);
        var pixels = new byte[width * height * 3];
        pixels.AsSpan().Fill(255);
        int left = width / 10, bottom = height - height / 10, top = height / 12;
        Fill(pixels, width, left, top, 2, bottom - top, (40, 40, 40));           // y axis
        Fill(pixels, width, left, bottom, width - left - width / 20, 2, (40, 40, 40)); // x axis
        var bars = random.Next(3, 13);
        var slot = (width - left - width / 20) / bars;
        for (var b = 0; b < bars; b++)
        {
            var barHeight = random.Next((bottom - top) / 10, bottom - top);
            var colour = ((byte)random.Next(200), (byte)random.Next(200), (byte)random.Next(200));
            Fill(pixels, width, left + b * slot + slot / 5, bottom - barHeight, slot * 3 / 5, barHeight, colour);
        }
        return (Png(pixels, width, height), width, height);
    }

    private static void Fill(byte[] pixels, int width, int x, int y, int w, int h, (byte R, byte G, byte B) colour)
    {
        for (var row = y; row < y + h; row++)
            for (var col = x; col < x + w; col++)
            {
                var i = (row * width + col) * 3;
                (pixels[i], pixels[i + 1], pixels[i + 2]) = colour;
            }
    }

    /// <summary>An 8-bit RGB PNG, every row with filter type 0 (flat colours compress well without a filter).</summary>
    private static byte[] Png(byte[] rgb, int width, int height)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest))
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0);
                zlib.Write(rgb, y * width * 3, width * 3);
            }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per sample
        header[9] = 2; // colour type RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR"u8, header);
        Chunk(png, "IDAT"u8, idat.ToArray());
        Chunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, ReadOnlySpan<byte> type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(type);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(Crc32(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu);
        png.Write(number);
    }

    private static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    })];

    /// <summary>The PNG chunk CRC (IEEE 802.3, reflected), continued from <paramref name="crc"/>.</summary>
    private static uint Crc32(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }
}

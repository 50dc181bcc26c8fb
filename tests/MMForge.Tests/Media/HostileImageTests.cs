using System.Buffers.Binary;
using System.Text;
using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

/// <summary>Broken and hostile bytes give an <see cref="ImageDecodeException"/> naming the reason, never a crash.</summary>
public class HostileImageTests
{
    private static byte[] Sample(string path) => File.ReadAllBytes(TestPaths.Sample(path));

    private static DecodeFailure FailureOf(byte[] bytes, DecodeLimits? limits = null) =>
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes, limits)).Failure;

    [Fact]
    public void TruncatedJpegIsReportedAsTruncated()
    {
        var jpeg = Sample("data-juicer/images/cat.jpg");
        Assert.Equal(DecodeFailure.Truncated, FailureOf(jpeg[..(jpeg.Length / 2)]));
    }

    [Fact]
    public void TruncatedPngIsRefused()
    {
        var png = Sample("data-juicer/images/img1.png");
        var failure = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png[..(png.Length / 2)]));
        Assert.True(failure.Failure == DecodeFailure.Truncated, failure.Message);
    }

    [Fact]
    public void RandomBytesAreNoKnownFormat()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0; // a random first byte could spell a magic number
        Assert.Equal(DecodeFailure.UnknownFormat, FailureOf(bytes));
        Assert.Equal(DecodeFailure.UnknownFormat, FailureOf([]));
    }

    [Fact]
    public void RandomBytesAfterAJpegMarkerAreCorrupt()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF;
        Assert.Equal(DecodeFailure.Corrupt, FailureOf(bytes));
    }

    [Fact]
    public void PngDeclaringTenGigapixelsIsRefusedFromItsHeader()
    {
        // Almost no image data: reaching the decoder would fail as truncated, not as too many pixels.
        var failure = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(PngHeaderOnly(100_000, 100_000)));
        Assert.True(failure.Failure == DecodeFailure.TooManyPixels, failure.Message);
        Assert.Contains("100000x100000", failure.Message);
    }

    [Theory]
    [InlineData("data-juicer/images/cat.jpg")]
    [InlineData("data-juicer/images/img1.png")]
    public void TheConfiguredPixelLimitAppliesToEveryDecoder(string path)
    {
        Assert.Equal(DecodeFailure.TooManyPixels, FailureOf(Sample(path), new DecodeLimits { MaxPixels = 1000 }));
    }

    /// <summary>PNG signature, an IHDR for an 8-bit RGB image of the given size, a token IDAT and IEND.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00]); // a zlib stream far too short for the declared rows
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

    /// <summary>The PNG chunk CRC (IEEE 802.3, reflected), which libpng checks on IHDR.</summary>
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

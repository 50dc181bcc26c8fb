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
        var failure = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(PngBuilder.HeaderOnly(100_000, 100_000, [0x78, 0x9C, 0x03, 0x00])));
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
}

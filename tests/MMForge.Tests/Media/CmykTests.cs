using MMForge.Media;

namespace MMForge.Tests.Media;

/// <summary>CMYK images decode as Pillow 9.4 reads them and convert('L') turns them into gray (CMYK -> RGB -> L).</summary>
public class CmykTests
{
    private const int Patch = 16; // whole 16x16 blocks of one colour survive JPEG at quality 100 unchanged

    private static readonly (byte C, byte M, byte Y, byte K)[] Colours =
    [
        (0, 0, 0, 0), (255, 0, 0, 0), (0, 128, 255, 0), (30, 60, 90, 128), (0, 0, 0, 255), (200, 100, 50, 25),
    ];

    /// <summary>One row of patches, one per colour.</summary>
    private static byte[] Patches()
    {
        var width = Patch * Colours.Length;
        var pixels = new byte[width * Patch * 4];
        for (var y = 0; y < Patch; y++)
            for (var x = 0; x < width; x++)
            {
                var (c, m, yellow, k) = Colours[x / Patch];
                new[] { c, m, yellow, k }.CopyTo(pixels.AsSpan((y * width + x) * 4));
            }
        return pixels;
    }

    private static void AssertPatchesArePillowsGray(DecodedImage image)
    {
        Assert.Equal(3, image.Channels);
        var gray = PillowGray.Convert(image);
        for (var i = 0; i < Colours.Length; i++)
        {
            var (c, m, y, k) = Colours[i];
            Assert.Equal(PillowLuma.OfCmyk(c, m, y, k), gray[i * Patch + Patch / 2, Patch / 2]);
        }
    }

    [Fact]
    public void AdobeCmykJpegIsReadInvertedThenConvertedAsPillowDoes()
    {
        // libvips writes CMYK JPEGs with the Adobe marker and inverted samples, as Photoshop does
        var jpeg = VipsEncoder.CmykJpeg(Patches(), Patch * Colours.Length, Patch);

        var image = ImageDecoder.Decode(jpeg);

        Assert.Equal("jpeg", image.Format);
        AssertPatchesArePillowsGray(image);
    }

    [Fact]
    public void CmykTiffIsConvertedAsPillowDoes() =>
        AssertPatchesArePillowsGray(ImageDecoder.Decode(VipsEncoder.CmykTiff(Patches(), Patch * Colours.Length, Patch)));

    [Fact]
    public void PlainCmykJpegIsReadInvertedTooAndHashesInBothModes()
    {
        // libturbojpeg stores CMYK samples as given (as YCCK); Pillow assumes the Adobe convention
        // for every CMYK JPEG regardless, so it reads these inverted, and so must we
        var (width, height) = (Patch * Colours.Length, Patch);
        var jpeg = JpegEncoder.Encode(Patches(), width, height, TurboJpegNative.PixelFormatCmyk, 100, TurboJpegNative.Subsampling444);

        var gray = PillowGray.Convert(ImageDecoder.Decode(jpeg));
        for (var i = 0; i < Colours.Length; i++)
        {
            var (c, m, y, k) = Colours[i];
            Assert.Equal(PillowLuma.OfCmyk(255 - c, 255 - m, 255 - y, 255 - k), gray[i * Patch + Patch / 2, Patch / 2]);
        }

        var exact = ImageFileHasher.Phash(jpeg, null, fast: false);
        Assert.Equal((width, height, "jpeg"), (exact.Width, exact.Height, exact.Format));
        Assert.Equal(exact.Phash, ImageHashes.Phash(ImageDecoder.Decode(jpeg)));
        // too small to be reduced: fast mode takes the same CMYK path to the same hash
        Assert.Equal(exact, ImageFileHasher.Phash(jpeg, null, fast: true));
    }
}

using MMForge.Media;

namespace MMForge.Tests.Media;

/// <summary>
/// 16-bit PNGs reduced to 8 bits the way Pillow 9.4.0 does; the expected values were printed by
/// Pillow 9.4.0 (Debian python3-pil) with Image.open(file).convert('L') on these same files.
/// </summary>
public class SixteenBitTests
{
    private static byte[] Luma(byte[] png) => PillowGray.Convert(ImageDecoder.Decode(png)).Pixels;

    [Fact]
    public void GrayIsClippedNotScaled() =>
        Assert.Equal([0, 200, 255, 255, 255, 255], Luma(PngBuilder.SixteenBitRow(PngBuilder.Gray, 6, 0, 200, 255, 256, 40000, 65535)));

    [Fact]
    public void RgbKeepsTheHighByte() =>
        Assert.Equal([135, 90, 105], Luma(PngBuilder.SixteenBitRow(PngBuilder.Rgb, 3,
            0x1234, 0xABCD, 0xFF00, 0x00FF, 0x80FF, 0x7F00, 65535, 0, 65535)));

    [Fact]
    public void GrayAlphaKeepsTheHighByteAndIgnoresAlpha() =>
        Assert.Equal([18, 255], Luma(PngBuilder.SixteenBitRow(PngBuilder.GrayAlpha, 2, 0x1234, 0x5678, 0xFFFF, 0x0000)));
}

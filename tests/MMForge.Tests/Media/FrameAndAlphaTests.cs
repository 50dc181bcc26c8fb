using MMForge.Media;

namespace MMForge.Tests.Media;

/// <summary>Animated images give their first frame; alpha never changes the gray value; palettes are looked up.</summary>
public class FrameAndAlphaTests
{
    [Fact]
    public void AnimatedGifDecodesItsFirstFrameAndCountsTheFrames()
    {
        const int size = 8;
        var frames = new byte[size * size * 2 * 3];
        for (var i = 0; i < size * size * 2; i++)
            (i < size * size ? new byte[] { 200, 30, 30 } : [20, 40, 220]).CopyTo(frames.AsSpan(i * 3));
        var gif = VipsEncoder.AnimatedGif(frames, size, size, frames: 2);

        var image = ImageDecoder.Decode(gif);

        Assert.Equal(("gif", size, size, 2), (image.Format, image.Width, image.Height, image.Frames));
        Assert.All(PillowGray.Convert(image).Pixels, p => Assert.Equal(PillowLuma.Of(200, 30, 30), p));
    }

    [Fact]
    public void StillImagesHaveOneFrame() =>
        Assert.Equal(1, ImageDecoder.Decode(PngBuilder.EightBit(PngBuilder.Gray, 1, 1, [7])).Frames);

    [Fact]
    public void RgbaIgnoresAlphaEvenWhereFullyTransparent()
    {
        var png = PngBuilder.EightBit(PngBuilder.RgbAlpha, 3, 1, [10, 200, 90, 255, 10, 200, 90, 0, 255, 255, 255, 128]);
        var image = ImageDecoder.Decode(png);
        Assert.Equal(4, image.Channels);
        Assert.Equal([PillowLuma.Of(10, 200, 90), PillowLuma.Of(10, 200, 90), 255], PillowGray.Convert(image).Pixels);
    }

    [Fact]
    public void GrayAlphaKeepsTheGraySample()
    {
        var image = ImageDecoder.Decode(PngBuilder.EightBit(PngBuilder.GrayAlpha, 2, 1, [77, 0, 180, 255]));
        Assert.Equal(2, image.Channels);
        Assert.Equal([77, 180], PillowGray.Convert(image).Pixels);
    }

    [Fact]
    public void PaletteWithTransparencyUsesThePaletteColour()
    {
        // index 1 is fully transparent: Pillow's P -> L still takes its palette colour
        var png = PngBuilder.EightBit(PngBuilder.Palette, 3, 1, [0, 1, 2],
            ("PLTE", [255, 0, 0, 0, 255, 0, 12, 34, 56]), ("tRNS", [255, 0]));
        Assert.Equal([PillowLuma.Of(255, 0, 0), PillowLuma.Of(0, 255, 0), PillowLuma.Of(12, 34, 56)],
            PillowGray.Convert(ImageDecoder.Decode(png)).Pixels);
    }
}

using MMForge.Media;

namespace MMForge.Tests.Media;

/// <summary>The fused, vectorized gray conversion and resize give exactly the plain scalar result, whatever the size and layout.</summary>
public class VectorizedResizeTests
{
    public static TheoryData<int, int, int, int, int> Shapes() => new()
    {
        // width, height, channels, output width, output height: odd widths leave scalar tails,
        // tiny images are enlarged, long thin ones reduce one axis only
        { 1000, 747, 3, 32, 32 }, { 333, 251, 3, 32, 32 }, { 97, 61, 4, 32, 32 }, { 1201, 37, 1, 32, 32 },
        { 45, 700, 2, 32, 32 }, { 7, 5, 3, 32, 32 }, { 1, 1, 4, 32, 32 }, { 640, 480, 1, 9, 8 }, { 129, 66, 3, 8, 8 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ResizeOfDecodedPixelsEqualsTheScalarOracle(int width, int height, int channels, int outWidth, int outHeight)
    {
        var pixels = Photo(width, height, channels, seed: width * 31 + height);
        var image = new DecodedImage(width, height, channels, pixels, "test");

        var fused = LanczosResampler.Resize(new PixelView(pixels, width, height, channels), outWidth, outHeight);
        var viaGray = LanczosResampler.Resize(PillowGray.Convert(image), outWidth, outHeight);

        var expected = ScalarPillowResize.GrayThenResize(pixels, width, height, channels, outWidth, outHeight);
        Assert.Equal(expected, fused.Pixels);
        Assert.Equal(expected, viaGray.Pixels);
    }

    /// <summary>Smooth gradients with noise and hard edges, so every weight and clip path is exercised.</summary>
    private static byte[] Photo(int width, int height, int channels, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < channels; c++)
                {
                    var edge = (x / 17 + y / 13) % 2 == 0 ? 200 : 0;
                    var value = edge + (x * (c + 1) + y * 3) % 56 + random.Next(-20, 21);
                    pixels[(y * width + x) * channels + c] = (byte)Math.Clamp(value, 0, 255);
                }
        return pixels;
    }
}

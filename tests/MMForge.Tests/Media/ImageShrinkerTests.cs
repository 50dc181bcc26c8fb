using MMForge.Formats.Writers;
using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

public class ImageShrinkerTests
{
    private static byte[] Sample(string path) => File.ReadAllBytes(TestPaths.Sample(path));

    [Theory]
    [InlineData("data-juicer/images/blip.jpg", 512, 341)]          // 2048x1365 JPEG
    [InlineData("imagehash/tests/data/imagehash.png", 512, 256)]   // 1200x600 RGBA PNG: alpha flattened into a JPEG
    public void LargeImagesBecomeJpegsWhoseLongerSideIsTheMaximum(string path, int width, int height)
    {
        var (bytes, mediaType) = ImageShrinker.ForModel(Sample(path), 512);

        Assert.Equal("image/jpeg", mediaType);
        Assert.Equal("jpeg", ImageFormatSniffer.Format(bytes));
        var decoded = ImageDecoder.Decode(bytes);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void AnImageThatFitsIsSentAsItIs()
    {
        var cat = Sample("data-juicer/images/cat.jpg");
        var (bytes, mediaType) = ImageShrinker.ForModel(cat, 1024);
        Assert.Same(cat, bytes);
        Assert.Equal("image/jpeg", mediaType);
    }

    [Fact]
    public void HostileHeadersAreRefusedBeforeDecoding()
    {
        var bomb = PngBuilder.HeaderOnly(100_000, 100_000, [0x78, 0x9C, 0x03, 0x00]);
        Assert.Equal(DecodeFailure.TooManyPixels, Assert.Throws<ImageDecodeException>(() => ImageShrinker.ForModel(bomb, 512)).Failure);
        Assert.Equal(DecodeFailure.UnknownFormat, Assert.Throws<ImageDecodeException>(() => ImageShrinker.ForModel([0, 1, 2, 3], 512)).Failure);
    }
}

using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

/// <summary>
/// The hash stage decodes into each thread's reused buffer; for every kind of non-JPEG image libvips
/// decodes (16-bit samples narrowed, CMYK converted, the first frame of an animation) it must hash
/// what the full decode hashes, even when a larger image left other bytes in the buffer before it.
/// </summary>
public class TransientDecodeTests
{
    public static TheoryData<string> Kinds() => ["16-bit gray", "16-bit rgb", "cmyk tiff", "animated gif", "8-bit gray alpha"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_hash_path_gives_the_full_decodes_phash_and_size(string kind)
    {
        var image = Image(kind);
        ImageFileHasher.Phash(File.ReadAllBytes(TestPaths.Sample("data-juicer", "images", "img1.png")), null, fast: false); // fills the buffer

        var hashed = ImageFileHasher.Phash(image, null, fast: false);
        var decoded = ImageDecoder.Decode(image);

        Assert.Equal(ImageHashes.Phash(decoded), hashed.Phash);
        Assert.Equal((decoded.Width, decoded.Height, decoded.Format), (hashed.Width, hashed.Height, hashed.Format));
    }

    private static byte[] Image(string kind)
    {
        const int side = 24;
        var random = new Random(kind.Length);
        ushort[] Samples(int channels) => Enumerable.Range(0, side * channels).Select(_ => (ushort)random.Next(65536)).ToArray();
        byte[] Bytes(int count) { var bytes = new byte[count]; random.NextBytes(bytes); return bytes; }
        return kind switch
        {
            "16-bit gray" => PngBuilder.SixteenBitRow(PngBuilder.Gray, side, Samples(1)),
            "16-bit rgb" => PngBuilder.SixteenBitRow(PngBuilder.Rgb, side, Samples(3)),
            "cmyk tiff" => VipsEncoder.CmykTiff(Bytes(side * side * 4), side, side),
            "animated gif" => VipsEncoder.AnimatedGif(Bytes(side * side * 3 * 2), side, side, 2),
            "8-bit gray alpha" => PngBuilder.EightBit(PngBuilder.GrayAlpha, side, side, Bytes(side * side * 2)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}

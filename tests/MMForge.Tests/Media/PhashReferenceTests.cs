using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

/// <summary>Every image of spec/phash_reference.tsv (imagehash 4.3.2 on Pillow 9.4.0) decoded and hashed.</summary>
public class PhashReferenceTests
{
    public static TheoryData<string> Rows() => new(ReferenceRows().Select(r => r.Path));

    [Theory]
    [MemberData(nameof(Rows))]
    public void SizeAndHashesEqualTheReference(string path)
    {
        var expected = ReferenceRows().Single(r => r.Path == path);

        var image = ImageDecoder.Decode(File.ReadAllBytes(TestPaths.Sample(path)));
        var gray = PillowGray.Convert(image);

        Assert.Equal(expected.Size, $"{image.Width}x{image.Height}");
        Assert.Equal(expected.Phash, ImageHashes.Hex(ImageHashes.Phash(gray)));
        Assert.Equal(expected.Dhash, ImageHashes.Hex(ImageHashes.Dhash(gray)));
        Assert.Equal(expected.Ahash, ImageHashes.Hex(ImageHashes.Ahash(gray)));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void TheHashStagePathGivesTheReferencePhash(string path)
    {
        var expected = ReferenceRows().Single(r => r.Path == path);
        var bytes = File.ReadAllBytes(TestPaths.Sample(path));

        // twice: the second decode reuses the thread's buffers the first one left behind
        var first = ImageFileHasher.Phash(bytes, null, fast: false);
        var second = ImageFileHasher.Phash(bytes, null, fast: false);

        Assert.Equal(expected.Phash, ImageHashes.Hex(first.Phash));
        Assert.Equal(first, second);
        Assert.Equal(expected.Size, $"{first.Width}x{first.Height}");
        Assert.Equal(expected.Phash, ImageHashes.Hex(ImageHashes.Phash(ImageDecoder.Decode(bytes))));
    }

    private sealed record Row(string Path, string Phash, string Dhash, string Ahash, string Size);

    private static IEnumerable<Row> ReferenceRows() =>
        File.ReadLines(Path.Combine(TestPaths.Shared, "spec", "phash_reference.tsv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new Row(f[0], f[1], f[2], f[3], f[4]));
}

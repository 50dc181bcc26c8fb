using MMForge.Media;
using MMForge.Tests.Support;

namespace MMForge.Tests.Media;

public class FastHashTests
{
    public static TheoryData<string, string, string> ReferenceRows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var f in File.ReadLines(Path.Combine(TestPaths.Shared, "spec", "phash_reference.tsv")).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')))
            rows.Add(f[0], f[1], f[4]);
        return rows;
    }

    [Theory]
    [MemberData(nameof(ReferenceRows))]
    public void FastPhashStaysWithinFourBitsAndKeepsTheFullSize(string path, string phash, string size)
    {
        var file = Path.Combine(TestPaths.Samples, path);
        var fast = ImageFileHasher.Hash(file, HashKind.Phash, fast: true);
        Assert.InRange(ImageHashes.Distance(fast.Hash!.Value, Convert.ToUInt64(phash, 16)), 0, 4);
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(file), reduceToMinSide: ImageFileHasher.FastMinSide);
        Assert.Equal(size, $"{decoded.FullWidth}x{decoded.FullHeight}");
        Assert.True(decoded.Width >= ImageFileHasher.FastMinSide || decoded.Width == decoded.FullWidth);
    }
}

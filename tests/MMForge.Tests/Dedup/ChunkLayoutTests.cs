using MMForge.Dedup;

namespace MMForge.Tests.Dedup;

public class ChunkLayoutTests
{
    [Theory]
    [InlineData(3, 21, 4, new[] { 1, 1, 0 })]
    [InlineData(3, 21, 6, new[] { 2, 1, 1 })]
    [InlineData(4, 16, 8, new[] { 2, 1, 1, 1 })]
    [InlineData(5, 12, 2, new[] { 0, 0, 0, -1, -1 })]
    public void RadiiFollowThePigeonhole(int chunks, int bits, int k, int[] radii) =>
        Assert.Equal(radii, new ChunkLayout(chunks, bits, k).Radii);

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(16)]
    public void RadiiPlusOneSumToKPlusOne(int k)
    {
        foreach (var chunks in Enumerable.Range(1, 20))
            Assert.Equal(k + 1, new ChunkLayout(chunks, Math.Min(ChunkLayout.MaxBits, 64 / chunks), k).Radii.Sum(r => r + 1));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]
    public void TenMillionHashesUseThreeChunksOf21Bits(int k)
    {
        var layout = ChunkLayout.Choose(10_000_000, k);
        Assert.Equal((3, 21), (layout.Chunks, layout.Bits));
    }

    [Fact]
    public void SmallInputsKeepTheOffsetTableSmall() =>
        Assert.InRange(ChunkLayout.Choose(1000, 4).Bits, 1, 12);

    [Fact]
    public void RejectsChunksThatDoNotFitIn64Bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkLayout(3, 22, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkLayout(1, ChunkLayout.MaxBits + 1, 4));
    }

    [Theory]
    [InlineData(12, 0)]
    [InlineData(12, 1)]
    [InlineData(16, 3)]
    [InlineData(5, 7)]
    public void HammingBallHoldsEveryOtherValueWithinTheRadiusOnce(int bits, int radius)
    {
        var masks = HammingBall.Masks(bits, radius);
        Assert.Equal(HammingBall.Volume(bits, radius) - 1, masks.Length);
        Assert.Equal(masks.Length, masks.Distinct().Count());
        Assert.All(masks, m => Assert.InRange(System.Numerics.BitOperations.PopCount((uint)m), 1, radius));
        Assert.All(masks, m => Assert.InRange(m, 1, (1 << bits) - 1));
    }
}

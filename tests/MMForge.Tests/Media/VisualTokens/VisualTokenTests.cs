using MMForge.Media.VisualTokens;

namespace MMForge.Tests.Media.VisualTokens;

/// <summary>The example values of METHOD.md section 7, computed there with the reference Python code.</summary>
public class VisualTokenTests
{
    [Theory]
    [InlineData(1000, 800, 4, 3)]
    [InlineData(1920, 1080, 4, 2)]
    [InlineData(500, 2000, 1, 4)]
    [InlineData(3000, 3000, 3, 3)]
    public void InternVlPicksTheReferenceGrid(int width, int height, int cols, int rows)
    {
        var tiles = new InternVlTiling(maxTiles: 12).Tile(width, height);
        Assert.Equal((cols, rows), (tiles.Columns, tiles.Rows));
        Assert.Equal(cols * rows + 1, tiles.Tiles); // plus the thumbnail
        Assert.Equal((cols * rows + 1) * 256, tiles.Tokens);
    }

    [Fact]
    public void InternVlSingleTileHasNoThumbnail()
    {
        var tiles = new InternVlTiling().Tile(448, 448);
        Assert.Equal((1, 1, 1, 256), (tiles.Columns, tiles.Rows, tiles.Tiles, tiles.Tokens));
    }

    [Fact]
    public void InternVlTieGoesToTheLargerGridOnlyForLargeImages()
    {
        // aspect 2.0 ties (2,1) and (4,2); (4,2) wins only when the image covers more than half its pixels
        var large = new InternVlTiling().Tile(1920, 960);
        Assert.Equal((4, 2), (large.Columns, large.Rows));
        var small = new InternVlTiling().Tile(400, 200);
        Assert.Equal((2, 1), (small.Columns, small.Rows));
    }

    [Theory]
    [InlineData(384, 384, 1485)]
    [InlineData(300, 200, 1261)]
    [InlineData(640, 480, 2929)]
    [InlineData(1024, 768, 4725)]
    [InlineData(1920, 1080, 7269)]
    [InlineData(4000, 3000, 7309)]
    [InlineData(500, 2000, 7371)]
    public void AnyResMax9GivesTheReferenceTokenCounts(int width, int height, int tokens)
    {
        Assert.Equal(tokens, new AnyResTokens().Count(width, height).Tokens);
    }

    [Theory]
    [InlineData(7.0, 2.0, 3.0)]
    [InlineData(-7.0, 2.0, -4.0)]
    [InlineData(75.0, 1.2422599874998832, 60.0)]
    [InlineData(1.0, 0.1, 9.0)] // Python: 1 // 0.1 == 9.0, where floor(1 / 0.1) would give 10
    public void FloorDivisionFollowsPython(double a, double b, double expected)
    {
        Assert.Equal(expected, PythonMath.FloorDiv(a, b));
    }

    [Fact]
    public void NonPositiveSizesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnyResTokens().Count(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InternVlTiling().Tile(10, -1));
    }
}

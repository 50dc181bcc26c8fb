namespace MMForge.Media.VisualTokens;

/// <summary>How InternVL cuts one image: a grid of 448px tiles, plus a thumbnail when there is more than one tile.</summary>
public sealed record InternVlTiles(int Columns, int Rows, bool Thumbnail, int TokensPerTile)
{
    public int Tiles => Columns * Rows + (Thumbnail ? 1 : 0);
    public int Tokens => Tiles * TokensPerTile;
}

/// <summary>
/// InternVL's dynamic tiling (<c>dynamic_preprocess</c>): candidate grids (cols, rows) with
/// min &lt;= cols*rows &lt;= max, sorted by tile count; the grid whose aspect ratio is closest
/// to the image's wins, and on an exact tie a later grid wins only when the image area exceeds
/// half the grid's pixel area. Within equal tile counts InternVL's order comes from a Python
/// set; the orders for max 6 and 12 (the training and common settings) are taken from the
/// reference, and other maxima use (cols, rows) in generation order.
/// </summary>
public sealed class InternVlTiling(int minTiles = 1, int maxTiles = 12, int tileSize = 448, int tokensPerTile = 256, bool thumbnail = true)
{
    private readonly (int Cols, int Rows)[] _candidates = Candidates(minTiles, maxTiles);

    public InternVlTiles Tile(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        var aspect = (double)width / height;
        var best = (Cols: 1, Rows: 1);
        var bestDiff = double.PositiveInfinity;
        double area = (double)width * height;
        foreach (var grid in _candidates)
        {
            var diff = Math.Abs(aspect - (double)grid.Cols / grid.Rows);
            if (diff < bestDiff)
            {
                bestDiff = diff;
                best = grid;
            }
            else if (diff == bestDiff && area > 0.5 * tileSize * tileSize * grid.Cols * grid.Rows)
            {
                best = grid;
            }
        }
        var tiles = best.Cols * best.Rows;
        return new InternVlTiles(best.Cols, best.Rows, thumbnail && tiles != 1, tokensPerTile);
    }

    /// <summary>InternVL's Python-set order within equal tile counts, as observed for these maxima (METHOD.md section 7).</summary>
    private static readonly Dictionary<int, (int, int)[]> ReferenceOrders = new()
    {
        [6] = [(1, 1), (1, 2), (2, 1), (3, 1), (1, 3), (4, 1), (1, 4), (2, 2), (1, 5), (5, 1), (6, 1), (2, 3), (1, 6), (3, 2)],
        [12] = [(1, 1), (1, 2), (2, 1), (3, 1), (1, 3), (2, 2), (4, 1), (1, 4), (5, 1), (1, 5), (1, 6), (6, 1), (3, 2), (2, 3), (7, 1), (1, 7),
                (4, 2), (2, 4), (1, 8), (8, 1), (1, 9), (3, 3), (9, 1), (2, 5), (5, 2), (10, 1), (1, 10), (11, 1), (1, 11), (12, 1), (3, 4),
                (4, 3), (1, 12), (6, 2), (2, 6)],
    };

    private static (int, int)[] Candidates(int min, int max)
    {
        if (min < 1 || max < min) throw new ArgumentOutOfRangeException(nameof(max), $"tile range {min}..{max} is empty");
        var all = ReferenceOrders.TryGetValue(max, out var order)
            ? order
            : (from cols in Enumerable.Range(1, max) from rows in Enumerable.Range(1, max) where cols * rows <= max select (cols, rows)).ToArray();
        // a stable sort by tile count keeps the order within equal counts, as Python's sorted() does
        return all.Where(g => g.Item1 * g.Item2 >= min).OrderBy(g => g.Item1 * g.Item2).ToArray();
    }
}

namespace MMForge.Reports.Charts;

/// <summary>
/// A count matrix as coloured cells (darker = more samples), rows and columns labelled, the
/// count written in each non-empty cell and in its tooltip.
/// </summary>
public static class HeatmapChart
{
    private const double Cell = 30, RowHeight = 22, Left = 170, Top = 150, Right = 130, Bottom = 10;

    /// <param name="columnLabel">The short form a column is labelled with (its full name stays in the tooltips).</param>
    public static string Render(string title, IReadOnlyList<string> rows, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<long>> counts, Func<string, string>? columnLabel = null)
    {
        var width = Left + columns.Count * Cell + Right;
        var height = Top + rows.Count * RowHeight + Bottom;
        var svg = Svg.Open("heatmap", title, width, height);
        var max = Math.Max(1, counts.SelectMany(r => r).DefaultIfEmpty(0).Max());
        for (var c = 0; c < columns.Count; c++)
        {
            var x = Left + c * Cell + Cell / 2;
            Svg.Text(svg, x, Top - 6, Svg.Clip((columnLabel ?? (c => c))(columns[c]), 26), "start", $"class=\"tick\" transform=\"rotate(-55 {Svg.At(x)} {Svg.At(Top - 6)})\"");
        }
        for (var r = 0; r < rows.Count; r++)
        {
            var y = Top + r * RowHeight;
            Svg.Text(svg, Left - 6, y + RowHeight * 0.7, Svg.Clip(rows[r], 24), "end", "class=\"tick\"");
            for (var c = 0; c < columns.Count; c++)
            {
                var n = counts[r][c];
                var x = Left + c * Cell;
                var opacity = n == 0 ? 0.04 : 0.15 + 0.85 * n / max;
                Svg.Rect(svg, x + 1, y + 1, Cell - 2, RowHeight - 2, Svg.Bar, $"{rows[r]} × {columns[c]}: {Svg.Number(n)} samples", $"fill-opacity=\"{Math.Round(opacity, 2).ToString(System.Globalization.CultureInfo.InvariantCulture)}\"");
                if (n > 0) Svg.Text(svg, x + Cell / 2, y + RowHeight * 0.7, Svg.Number(n), "middle", $"class=\"cell\" fill=\"{(opacity > 0.55 ? "#fff" : Svg.Ink)}\"");
            }
        }
        return Svg.Close(svg);
    }
}

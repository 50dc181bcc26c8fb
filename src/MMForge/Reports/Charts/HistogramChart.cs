namespace MMForge.Reports.Charts;

/// <summary>Vertical bars over fixed bins, with the bin ranges under them and both axes titled.</summary>
public static class HistogramChart
{
    private const double Width = 760, Height = 280, Left = 70, Right = 10, Top = 20, Bottom = 70;

    /// <param name="binLabel">A bin's tick label; default its compact range (the tooltip always has the exact one).</param>
    public static string Render(string title, HistogramData data, string xAxis, Func<HistogramBin, string>? binLabel = null)
    {
        binLabel ??= CompactRange;
        var svg = Svg.Open("histogram", title, Width, Height);
        var max = Math.Max(1, data.Bins.Select(b => b.Count).DefaultIfEmpty(0).Max());
        var plotHeight = Height - Top - Bottom;
        var slot = (Width - Left - Right) / Math.Max(1, data.Bins.Count);
        for (var i = 0; i < data.Bins.Count; i++)
        {
            var bin = data.Bins[i];
            var barHeight = plotHeight * bin.Count / max;
            var x = Left + i * slot;
            var label = binLabel(bin);
            Svg.Rect(svg, x + 3, Top + plotHeight - barHeight, slot - 6, barHeight, Svg.Bar, $"{Range(bin)}: {Svg.Number(bin.Count)} samples");
            if (bin.Count > 0) Svg.Text(svg, x + slot / 2, Top + plotHeight - barHeight - 4, Svg.Number(bin.Count), "middle", "class=\"value\"");
            Svg.Text(svg, x + slot / 2, Top + plotHeight + 16, label, "middle", "class=\"tick\"");
        }
        svg.Append($"<line x1=\"{Svg.At(Left)}\" y1=\"{Svg.At(Top + plotHeight)}\" x2=\"{Svg.At(Width - Right)}\" y2=\"{Svg.At(Top + plotHeight)}\" stroke=\"{Svg.Muted}\"/>");
        svg.Append($"<line x1=\"{Svg.At(Left)}\" y1=\"{Svg.At(Top)}\" x2=\"{Svg.At(Left)}\" y2=\"{Svg.At(Top + plotHeight)}\" stroke=\"{Svg.Muted}\"/>");
        Svg.Text(svg, Left - 6, Top + 4, Svg.Number(max), "end", "class=\"tick\"");
        Svg.Text(svg, Left - 6, Top + plotHeight, "0", "end", "class=\"tick\"");
        Svg.Text(svg, Left + (Width - Left - Right) / 2, Height - 14, xAxis, "middle", "class=\"axis\"");
        Svg.Text(svg, 16, Top + plotHeight / 2, "samples", "middle", $"class=\"axis\" transform=\"rotate(-90 16 {Svg.At(Top + plotHeight / 2)})\"");
        return Svg.Close(svg);
    }

    /// <summary>"from–to" with compact numbers (1.6k–3.2k: the bin starts at 1,600 and stops before 3,200), "from+" for the open last bin.</summary>
    public static string CompactRange(HistogramBin bin) =>
        bin.To is { } to ? $"{Svg.Compact(bin.From)}–{Svg.Compact(to)}" : Svg.Compact(bin.From) + "+";

    /// <summary>"from–to" of the values a bin holds (its upper bound is exclusive), "from+" for the open last bin.</summary>
    public static string Range(HistogramBin bin) =>
        bin.To is { } to ? (to - 1 == bin.From ? Svg.Number(bin.From) : $"{Svg.Number(bin.From)}–{Svg.Number(to - 1)}") : Svg.Number(bin.From) + "+";
}

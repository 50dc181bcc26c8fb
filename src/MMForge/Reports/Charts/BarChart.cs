using System.Text;

namespace MMForge.Reports.Charts;

/// <summary>One bar: its label, its value, what its tooltip adds, and the full name when the label is a short form of it.</summary>
public sealed record BarValue(string Label, long Value, string? Detail = null, string? FullName = null);

/// <summary>Horizontal bars, one row per value, label on the left and the number after the bar.</summary>
public static class BarChart
{
    private const double Width = 760, LabelWidth = 300, ValueWidth = 110, Row = 22, Top = 8, Bottom = 30;

    public static string Render(string title, IReadOnlyList<BarValue> bars, string valueAxis)
    {
        var height = Top + bars.Count * Row + Bottom;
        var svg = Svg.Open("bar", title, Width, height);
        var max = Math.Max(1, bars.Select(b => b.Value).DefaultIfEmpty(0).Max());
        var area = Width - LabelWidth - ValueWidth;
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = Top + i * Row;
            var length = area * bar.Value / max;
            Svg.Text(svg, LabelWidth - 8, y + Row * 0.7, Svg.Clip(bar.Label, 44), "end");
            Svg.Rect(svg, LabelWidth, y + 3, length, Row - 6, Svg.Bar, $"{bar.FullName ?? bar.Label}: {Svg.Number(bar.Value)}{(bar.Detail is null ? "" : " (" + bar.Detail + ")")}");
            Svg.Text(svg, LabelWidth + length + 6, y + Row * 0.7, Svg.Number(bar.Value) + (bar.Detail is null ? "" : "  " + bar.Detail), extra: "class=\"value\"");
        }
        Axis(svg, height, valueAxis);
        return Svg.Close(svg);
    }

    private static void Axis(StringBuilder svg, double height, string label)
    {
        svg.Append($"<line x1=\"{Svg.At(LabelWidth)}\" y1=\"{Svg.At(Top)}\" x2=\"{Svg.At(LabelWidth)}\" y2=\"{Svg.At(height - Bottom)}\" stroke=\"{Svg.Muted}\"/>");
        Svg.Text(svg, LabelWidth + (Width - LabelWidth - ValueWidth) / 2, height - 8, label, "middle", "class=\"axis\"");
    }
}

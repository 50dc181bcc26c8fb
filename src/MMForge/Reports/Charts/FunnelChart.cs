namespace MMForge.Reports.Charts;

/// <summary>
/// The funnel: one centred bar per stage, as wide as the records it passed on, with the count and
/// the share of the first stage, so where data is lost stands out at a glance.
/// </summary>
public static class FunnelChart
{
    private const double Width = 760, LabelWidth = 200, ValueWidth = 170, Row = 30, Top = 6;

    public static string Render(string title, IReadOnlyList<FunnelStep> steps)
    {
        var height = Top * 2 + steps.Count * Row;
        var svg = Svg.Open("funnel", title, Width, height);
        var first = steps.Count > 0 ? Math.Max(1, steps[0].Records) : 1;
        var max = Math.Max(1, steps.Select(s => s.Records).DefaultIfEmpty(0).Max());
        var area = Width - LabelWidth - ValueWidth;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var y = Top + i * Row;
            var length = Math.Max(2, area * step.Records / max);
            var share = Svg.Percent((double)step.Records / first);
            var name = step.Command.Length > 0 && step.Command != step.Stage ? $"{step.Stage} ({step.Command})" : step.Stage;
            Svg.Text(svg, LabelWidth - 8, y + Row * 0.62, Svg.Clip(name, 30), "end");
            Svg.Rect(svg, LabelWidth + (area - length) / 2, y + 3, length, Row - 6, Svg.Bar, $"{name}: {Svg.Number(step.Records)} records, {share} of the first stage");
            Svg.Text(svg, Width - ValueWidth + 8, y + Row * 0.62, $"{Svg.Number(step.Records)} ({share})", extra: "class=\"value\"");
        }
        return Svg.Close(svg);
    }
}

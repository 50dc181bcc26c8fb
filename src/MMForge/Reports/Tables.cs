using System.Text;
using MMForge.Reports.Charts;

namespace MMForge.Reports;

/// <summary>The report's HTML tables: the data sources and the stage mixes.</summary>
public static class Tables
{
    public static string Sources(IReadOnlyList<SourceRow> rows)
    {
        if (rows.Count == 0) return "<p class=\"empty\">no samples</p>";
        var html = new StringBuilder("<table class=\"sources\"><thead><tr><th>source</th><th class=\"n\">ingested</th><th class=\"n\">kept at the end</th><th class=\"n\">share</th><th class=\"n\">images</th><th class=\"n\">mean turns</th><th class=\"n\">mean text (chars)</th><th>formats</th></tr></thead><tbody>");
        foreach (var s in rows)
            html.Append("<tr>").Append(Cell(s.Source)).Append(Numeric(s.Ingested is { } n ? Svg.Number(n) : "–")).Append(Numeric(Svg.Number(s.Kept)))
                .Append(Numeric(Svg.Percent(s.Share))).Append(Numeric(Svg.Number(s.Images))).Append(Numeric(Svg.Number(s.MeanTurns, 2)))
                .Append(Numeric(Svg.Number(s.MeanTextChars, 1))).Append(Cell(string.Join(", ", s.Formats))).Append("</tr>");
        html.Append($"<tr><th>total</th>{Numeric(rows.All(s => s.Ingested is null) ? "–" : Svg.Number(rows.Sum(s => s.Ingested ?? 0)))}{Numeric(Svg.Number(rows.Sum(s => s.Kept)))}")
            .Append($"{Numeric("100%")}{Numeric(Svg.Number(rows.Sum(s => s.Images)))}<td></td><td></td><td></td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    public static string Mixes(IReadOnlyList<MixRow> rows)
    {
        var html = new StringBuilder("<table class=\"mixes\"><thead><tr><th>mix</th><th class=\"n\">records</th><th class=\"n\">visual tokens</th><th class=\"n\">max grid</th><th class=\"n\">images</th><th class=\"n\">mean text (chars)</th><th>L1 instruction types</th></tr></thead><tbody>");
        foreach (var m in rows)
            html.Append("<tr>").Append(Cell(m.Name)).Append(Numeric(Svg.Number(m.Records))).Append(Numeric(Svg.Number(m.VisualTokens)))
                .Append(Numeric(m.MaxGrid is { } g ? $"{g}×{g}" : "–")).Append(Numeric(Svg.Number(m.Images))).Append(Numeric(Svg.Number(m.MeanTextChars, 1)))
                .Append(Cell(string.Join(", ", m.L1Types.Select(t => $"{t.Type} {Svg.Percent(t.Share)}")))).Append("</tr>");
        html.Append($"<tr><th>total</th>{Numeric(Svg.Number(rows.Sum(m => m.Records)))}{Numeric(Svg.Number(rows.Sum(m => m.VisualTokens)))}<td></td>{Numeric(Svg.Number(rows.Sum(m => m.Images)))}<td></td><td></td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    private static string Cell(string text) => $"<td>{Svg.Escape(text)}</td>";

    private static string Numeric(string text) => $"<td class=\"n\">{Svg.Escape(text)}</td>";
}

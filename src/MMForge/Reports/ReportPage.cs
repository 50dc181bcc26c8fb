using System.Text;
using MMForge.Reports.Charts;

namespace MMForge.Reports;

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, images as data: URIs, no script,
/// no external URL) drawing the numbers of a <see cref="ReportModel"/>. Every string from the data
/// is escaped.
/// </summary>
public static class ReportPage
{
    /// <summary>The sections, in page order, by id and heading.</summary>
    public static IReadOnlyList<(string Id, string Heading)> Sections { get; } =
    [
        ("funnel", "Funnel: records after each stage"),
        ("rejects", "Rejects by rule"),
        ("duplicates", "Duplicates by kind"),
        ("sources", "Data sources"),
        ("mixes", "Stage mixes"),
        ("instruction-types", "Instruction types"),
        ("image-tags", "Top image tags"),
        ("heatmap", "Image tag × instruction type"),
        ("text-length", "Text length"),
        ("visual-tokens", "Visual tokens"),
        ("gallery", "Gallery"),
    ];

    public static string Render(ReportModel r)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append($"<title>mmforge report: {Svg.Escape(r.Name)}</title><style>{Style}</style></head><body>\n");
        page.Append($"<header><h1>mmforge report: {Svg.Escape(r.Name)}</h1><p class=\"summary\">{Summary(r)}</p><nav>")
            .AppendJoin(" · ", Sections.Select(s => $"<a href=\"#{s.Id}\">{Svg.Escape(s.Heading)}</a>")).Append("</nav></header>\n");
        foreach (var (id, heading) in Sections)
        {
            page.Append($"<section id=\"{id}\"><h2>{Svg.Escape(heading)}</h2>");
            page.Append(Body(id, r));
            page.Append("</section>\n");
        }
        return page.Append("</body></html>\n").ToString();
    }

    private static string Summary(ReportModel r)
    {
        var t = r.Totals;
        var text = $"{r.Input} · final data: {Svg.Number(t.Samples)} samples, {Svg.Number(t.Images)} images, {Svg.Number(t.TextOnly)} text-only, " +
                   $"{Svg.Number(t.VisualTokens)} visual tokens ({t.VisualTokenModel})";
        if (t.WithoutImageSizes > 0) text += $", {Svg.Number(t.WithoutImageSizes)} samples with image sizes unknown (not hashed; no tokens counted)";
        if (t.Unreadable > 0) text += $", {Svg.Number(t.Unreadable)} unreadable records skipped";
        return Svg.Escape(text);
    }

    private static string Body(string section, ReportModel r) => section switch
    {
        "funnel" => r.Funnel.Count == 0 ? Empty("no stage recorded") : FunnelChart.Render("Records after each stage", r.Funnel),
        "rejects" => Rejects(r),
        "duplicates" => r.DuplicatesByKind.Count == 0 ? Empty("no dedup stage, or nothing removed")
            : BarChart.Render("Removed duplicates by kind", r.DuplicatesByKind.Select(d => new BarValue(d.Kind, d.Count)).ToList(), "samples removed"),
        "sources" => Tables.Sources(r.Sources),
        "mixes" => r.Mixes.Count == 0 ? Empty("not a selection: the final data is one dataset") : Tables.Mixes(r.Mixes),
        "instruction-types" => InstructionTypes(r.Tags),
        "image-tags" => r.Tags.ImageTags.Count == 0 ? Empty("no image tags (run mmforge tag)")
            : Note($"{Svg.Number(r.Tags.SamplesWithImageTags)} of {Svg.Number(r.Tags.Samples)} samples carry image tags; {Svg.Number(r.Tags.DistinctImageTags)} distinct tags; top {r.Tags.ImageTags.Count}; share = of tagged samples.")
              + BarChart.Render("Top image tags", r.Tags.ImageTags.Select(t => new BarValue(t.Tag, t.Count, Svg.Percent(t.Share))).ToList(), "samples with the tag"),
        "heatmap" => r.Tags.Matrix.Tags.Count == 0 || r.Tags.Matrix.Types.Count == 0 ? Empty("needs both image tags and instruction types")
            : Note($"Samples carrying both the image tag (rows: the {r.Tags.Matrix.Tags.Count} most frequent) and an instruction of the {r.Tags.Matrix.Level.ToUpperInvariant()} type (columns).")
              + HeatmapChart.Render("Image tag × instruction type", r.Tags.Matrix.Tags, r.Tags.Matrix.Types, r.Tags.Matrix.Counts.Select(c => (IReadOnlyList<long>)c).ToList(), LastSegment),
        "text-length" => Note(Svg.Escape($"Unit: {r.TextLength.Unit}."))
            + HistogramChart.Render("Text length per sample", r.TextLength, "characters per sample"),
        "visual-tokens" => Note(Svg.Escape($"Unit: {r.VisualTokens.Unit}" + (r.VisualTokens.Excluded > 0 ? $" ({Svg.Number(r.VisualTokens.Excluded)} samples)." : ".") + " Text-only samples are the 0 bin."))
            + HistogramChart.Render("Visual tokens per sample", r.VisualTokens, $"visual tokens per sample ({r.Totals.VisualTokenModel})",
                bin => bin.From == 0 && bin.To == 1 ? "0 (text)" : HistogramChart.CompactRange(bin)),
        "gallery" => r.Gallery.Count == 0 ? Empty("no samples") : Gallery.Render(r.Gallery),
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, "unknown report section"),
    };

    private static string Rejects(ReportModel r)
    {
        if (r.RejectsByRule.Count == 0 && r.DroppedPairsByRule.Count == 0) return Empty("nothing rejected");
        var html = new StringBuilder();
        if (r.RejectsByRule.Count > 0)
            html.Append(BarChart.Render("Rejected records by rule", r.RejectsByRule.OrderByDescending(c => c.Count).Select(c => new BarValue($"{c.Rule} ({c.Stage})", c.Count)).ToList(), "records rejected"));
        if (r.DroppedPairsByRule.Count > 0)
            html.Append("<h3>Samples kept with question/answer pairs dropped, by rule</h3>")
                .Append(BarChart.Render("Samples that lost pairs, by rule", r.DroppedPairsByRule.OrderByDescending(c => c.Count).Select(c => new BarValue($"{c.Rule} ({c.Stage})", c.Count)).ToList(), "samples that lost pairs"));
        return html.ToString();
    }

    private static string InstructionTypes(TagSection tags)
    {
        var html = new StringBuilder();
        foreach (var level in new[] { "l1", "l2" })
        {
            var types = tags.InstructionTypes.GetValueOrDefault(level) ?? [];
            html.Append($"<h3>{level.ToUpperInvariant()}</h3>");
            html.Append(types.Count == 0 ? Empty("no instruction tags (run mmforge tag)")
                : BarChart.Render($"Instruction types at {level.ToUpperInvariant()}", types.Select(t => new BarValue(LastSegment(t.Type), t.Count, Svg.Percent(t.Share), t.Type)).ToList(), "samples (share of samples with an instruction type)"));
        }
        return Note($"{Svg.Number(tags.SamplesWithInstructionTags)} of {Svg.Number(tags.Samples)} samples carry an instruction type.") + html;
    }

    /// <summary>An L2 type without its L1 parent, for labels (the full path is in the tooltip and report.json).</summary>
    private static string LastSegment(string typePath) => typePath[(typePath.LastIndexOf('/') + 1)..];

    private static string Empty(string why) => $"<p class=\"empty\">{Svg.Escape(why)}</p>";

    private static string Note(string html) => $"<p class=\"note\">{html}</p>";

    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;margin:0 auto;max-width:1100px;padding:0 24px 48px}
        header{border-bottom:1px solid #d9e2ec;margin-bottom:8px}h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:14px 0 4px}
        nav{font-size:12px;margin:6px 0 12px}nav a{color:#4c78a8;text-decoration:none}
        .summary{color:#52606d}.note{color:#52606d;font-size:13px;margin:4px 0}.empty{color:#9aa5b1;font-style:italic}
        svg.chart{display:block;max-width:100%;height:auto;font-size:12px}svg text{fill:#1f2933}svg text.value,svg text.tick{fill:#52606d;font-size:11px}svg text.axis{fill:#52606d;font-size:12px}svg text.cell{font-size:10px}
        table{border-collapse:collapse;font-size:13px}th,td{padding:4px 10px;border-bottom:1px solid #e4e7eb;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:14px}
        .card{border:1px solid #d9e2ec;border-radius:6px;padding:10px;overflow:hidden}.card .meta{font-size:12px;color:#52606d;margin-bottom:6px;word-break:break-all}
        .card img{max-width:100%;max-height:224px;display:block;margin:0 auto 6px}.placeholder{background:#f0f4f8;color:#52606d;font-size:12px;padding:24px 8px;text-align:center;margin-bottom:6px;word-break:break-all}
        .turn{font-size:12.5px;margin:3px 0;white-space:pre-wrap;word-break:break-word}.turn b{color:#4c78a8}
        """;
}

using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Reports;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge report DIR [-o OUTDIR]</c>: report.html and report.json of a run, dataset or mix directory.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("dir")
        {
            Description = "A run directory (run.json), an mmforge dataset directory (manifest.json) or a mix directory (mixes.json).",
        };
        var output = new Option<string?>("--output", "-o") { Description = "Directory to write report.html and report.json into (default: DIR itself)." };
        var gallery = new Option<int>("--gallery")
        {
            Description = "Samples shown in the gallery, spread over the sources and chosen by a hash of their id (default 12; 0 for none).",
            DefaultValueFactory = _ => new ReportOptions().GallerySize,
        };
        var topTags = new Option<int>("--top-tags")
        {
            Description = "Image tags in the top-tags chart (default 30).",
            DefaultValueFactory = _ => new ReportOptions().TopTags,
        };
        var heatmapTags = new Option<int>("--heatmap-tags")
        {
            Description = "Most frequent image tags shown as rows of the tag x L2 instruction-type heatmap (default 20).",
            DefaultValueFactory = _ => new ReportOptions().HeatmapTags,
        };
        var workers = new Option<int>("--workers", "-j")
        {
            Description = "Threads decoding the records (default 1); the report is the same whatever the count.",
            DefaultValueFactory = _ => 1,
        };
        workers.Require(n => n >= 1, "--workers must be at least 1");
        var command = new Command("report", "Write report.html (self-contained: inline SVG charts, thumbnails as data: URIs, no network) and report.json (the same numbers): the funnel of records per stage, rejects by rule, duplicates by kind, the data-source table, stage mixes, instruction types at L1/L2, top image tags, the tag x type heatmap, text-length and visual-token histograms, and a gallery of samples with their conversations.")
        {
            input, output, gallery, topTags, heatmapTags, workers,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(gallery) < 0 || r.GetValue(topTags) < 0 || r.GetValue(heatmapTags) < 0) r.AddError("--gallery, --top-tags and --heatmap-tags must be 0 or more");
        });
        command.SetAction(p =>
        {
            var dir = p.GetValue(input)!;
            var outDir = p.GetValue(output) ?? dir;
            var options = new ReportOptions { GallerySize = p.GetValue(gallery), TopTags = p.GetValue(topTags), HeatmapTags = p.GetValue(heatmapTags), Workers = p.GetValue(workers) };
            var report = new ProgressDisplay("report").RunWithStatus(status => ReportBuilder.Write(dir, outDir, status, options));
            var t = report.Totals;
            Console.Out.WriteLine($"report: {report.Input} {report.Name}: {t.Samples:N0} samples in the final data, {report.Funnel.Count} stages, {report.Sources.Count} sources, {report.Gallery.Count} in the gallery");
            Console.Out.WriteLine($"  {Path.Combine(outDir, ReportBuilder.HtmlFile)}");
            Console.Out.WriteLine($"  {Path.Combine(outDir, ReportBuilder.JsonFile)}");
            if (t.Unreadable > 0) Console.Out.WriteLine($"  {t.Unreadable:N0} unreadable records skipped");
            return t.Unreadable > 0 ? Program.Rejected : Program.Ok;
        });
        return command;
    }
}

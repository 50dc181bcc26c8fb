using System.Text.Json;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Tagging.Statistics;

namespace MMForge.Reports;

/// <summary>What the report shows and how much of it.</summary>
public sealed record ReportOptions
{
    /// <summary>Samples in the gallery.</summary>
    public int GallerySize { get; init; } = 12;

    /// <summary>Image tags in the top-tags chart.</summary>
    public int TopTags { get; init; } = 30;

    /// <summary>Rows (image tags) of the tag x L2-type heatmap.</summary>
    public int HeatmapTags { get; init; } = 20;

    /// <summary>Threads decoding and counting the final records, each into counters of its own added up at the end (every figure is a count or a sum, and the gallery sees the samples in input order), so the report is the same whatever the count.</summary>
    public int Workers { get; init; } = 1;
}

/// <summary>
/// Builds the report of a run, dataset or mix directory: <c>report.json</c> (the numbers) and
/// <c>report.html</c> (the same numbers drawn, self-contained). The recipe runner calls
/// <see cref="Write"/> at the end of every run; <c>mmforge report</c> calls it on any directory.
/// </summary>
public static class ReportBuilder
{
    public const string JsonFile = "report.json";
    public const string HtmlFile = "report.html";

    /// <summary>Builds the report of <paramref name="dir"/> and writes both files into <paramref name="outputDir"/>.</summary>
    /// <exception cref="ArgumentException">The directory is none of a run, a dataset or a mix directory.</exception>
    public static ReportModel Write(string dir, string outputDir, Action<string>? progress = null, ReportOptions? options = null)
    {
        var report = Build(dir, progress, options);
        Directory.CreateDirectory(outputDir);
        AtomicFile.WriteAllText(Path.Combine(outputDir, JsonFile), report.ToJson());
        AtomicFile.WriteAllText(Path.Combine(outputDir, HtmlFile), ReportPage.Render(report));
        return report;
    }

    public static ReportModel Build(string dir, Action<string>? progress = null, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        var input = ReportInput.Open(dir);
        var stats = new FinalStatistics();
        var gallery = new GalleryPicker(options.GallerySize);
        foreach (var part in input.Final) Collect(part, stats, gallery, options.Workers, progress);

        var report = new ReportModel
        {
            Input = input.Kind.ToString().ToLowerInvariant(),
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))),
            Funnel = input.Funnel,
            Sources = SourceTable.Rows(stats, input.Ingested),
            Mixes = input.Mixes.Select(m => MixRow(m, stats)).ToList(),
            Totals = new FinalTotals
            {
                Samples = stats.Samples, Images = stats.Images, TextOnly = stats.TextOnly, Unreadable = stats.Unreadable,
                VisualTokenModel = FinalStatistics.TokenModel, VisualTokens = stats.VisualTokens, WithoutImageSizes = stats.WithoutImageSizes,
            },
            Tags = TagsOf(stats.Tags, options),
            TextLength = stats.TextLength(),
            VisualTokens = stats.VisualTokenHistogram(),
        };
        foreach (var stage in input.StageDatasets)
        {
            var manifest = Manifest.Load(stage.DatasetDir);
            report.RejectsByRule.AddRange(manifest.RejectsByRule.Select(kv => new RuleCount { Stage = stage.Stage, Rule = kv.Key, Count = kv.Value }));
            report.DroppedPairsByRule.AddRange(manifest.DroppedPairsByRule.Select(kv => new RuleCount { Stage = stage.Stage, Rule = kv.Key, Count = kv.Value }));
        }
        report.DuplicatesByKind = DuplicateCounts.ByKind(input.ClusterFiles);
        progress?.Invoke($"report: making {Math.Min(options.GallerySize, stats.Samples)} gallery thumbnails");
        report.Gallery = gallery.Chosen().Select(GalleryItems.For).ToList();
        return report;
    }

    /// <summary>
    /// One pass over a dataset of the final data on <paramref name="workers"/> threads, each
    /// decoding and counting into statistics of its own, merged at the end; the gallery sees the
    /// samples in input order. Unreadable records are counted, not fatal.
    /// </summary>
    private static void Collect(FinalPart part, FinalStatistics stats, GalleryPicker gallery, int workers, Action<string>? progress)
    {
        var source = DatasetDirectory.Open(part.DatasetDir, new SourceRequest(part.DatasetDir));
        var context = SourceContext.ForReading(source);
        using var perThread = new ThreadLocal<FinalStatistics>(() => new FinalStatistics(), trackAllValues: true);
        long read = 0;
        OrderedParallel.Run(RecordJob.Guarded(context), 64, workers, raw =>
        {
            Sample? sample;
            try { sample = RecordDecoder.Decode(raw, source.Codec).Sample; }
            finally { raw.Release(); }
            if (sample is null) perThread.Value!.Unreadable++;
            else perThread.Value!.Add(sample, sample.Source ?? source.Name, part.Mix);
            return sample;
        }, batch =>
        {
            foreach (var sample in batch.OfType<Sample>())
                gallery.Offer(new GalleryCandidate(sample, sample.Source ?? source.Name, part.Mix, context.ResolverFor));
            if ((read += batch.Length) % 100_000 < batch.Length) progress?.Invoke($"report: {stats.Samples + read:N0} records read");
        });
        foreach (var counted in perThread.Values) stats.Merge(counted);
    }

    private static MixRow MixRow(Selection.MixInfo mix, FinalStatistics stats)
    {
        var totals = stats.MixTotals.GetValueOrDefault(mix.Name);
        return new MixRow
        {
            Name = mix.Name, Records = mix.Records, VisualTokens = mix.VisualTokens, MaxGrid = mix.MaxGrid,
            Images = totals?.Images ?? 0, MeanTextChars = totals?.MeanTextChars ?? 0,
            L1Types = (totals?.L1Types ?? []).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new TypeShare { Type = kv.Key, Count = kv.Value, Share = Math.Round((double)kv.Value / totals!.Samples, 4) }).ToList(),
        };
    }

    /// <summary>The tag statistics as TagStatistics writes them for tag_stats.json, read into the report's model.</summary>
    private static TagSection TagsOf(TagStatistics tags, ReportOptions options)
    {
        var view = new TagStatisticsView { TopTags = options.TopTags, MatrixTags = options.HeatmapTags, MatrixTypes = int.MaxValue, MatrixLevel = 2 };
        return JsonSerializer.Deserialize<TagSection>(tags.ToJson(view), Pipeline.StateFileJson.Options)!;
    }
}

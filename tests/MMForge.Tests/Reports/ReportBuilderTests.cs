using System.Text.Json;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Reports;
using MMForge.Tests.Support;

namespace MMForge.Tests.Reports;

/// <summary>The report's numbers on a real run of the CLI over ../shared/samples, its escaping and its determinism.</summary>
public class ReportBuilderTests(SampleRun run) : IClassFixture<SampleRun>
{
    private ReportModel Report => _report ??= ReportBuilder.Build(run.Dir);
    private ReportModel? _report;

    [Fact]
    public void FunnelListsTheRecordsEachStageOfTheRunKept()
    {
        var expected = SampleRun.Stages.Select(s => (s, Manifest.Load(run.StageDir(s)).Records)).ToList();

        Assert.Equal(expected, Report.Funnel.Select(f => (f.Stage, f.Records)));
        // 11 captions + 2 LLaVA demo questions + the hostile one, 3 chart QA, 2 COCO images, 90 GPT-4 QA (the empty record is rejected)
        Assert.Equal(109, Report.Funnel[0].Records);
        Assert.Equal(19, Report.Funnel[1].Records); // the 90 GPT-4 QA records have no image here
        Assert.Equal(Report.Funnel[^1].Records, Report.Totals.Samples);
    }

    [Fact]
    public void RejectsAreCountedPerStageAndRuleAndDuplicatesPerKind()
    {
        var rejects = Report.RejectsByRule.ToDictionary(r => (r.Stage, r.Rule), r => r.Count);

        Assert.Equal(1, rejects[("ingest", "empty-record")]);
        Assert.Equal(90, rejects[("hash", "image-missing")]);
        var removed = File.ReadLines(Path.Combine(run.StageDir("dedup"), "clusters.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()!)
            .GroupBy(k => k).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(removed, Report.DuplicatesByKind.ToDictionary(d => d.Kind, d => d.Count));
        Assert.Equal(5, Report.DuplicatesByKind.Sum(d => d.Count)); // img4-7 repeat img1-3, img_pair_2 is img_pair_1
        Assert.Equal(5, rejects.Where(r => r.Key.Stage == "dedup").Sum(r => r.Value));
    }

    [Fact]
    public void SourceTableCountsIngestedAndFinalSamplesPerSource()
    {
        var final = Ingest.Samples(run.StageDir("tag"));
        var sources = Report.Sources.ToDictionary(s => s.Source);

        Assert.Equal(["captions", "coco2014_val_gpt4_qa_30x3", "combined_coco", "single_images"], sources.Keys);
        Assert.Equal(90, sources["coco2014_val_gpt4_qa_30x3"].Ingested);
        Assert.Equal(0, sources["coco2014_val_gpt4_qa_30x3"].Kept);
        Assert.Equal(["alpaca"], sources["coco2014_val_gpt4_qa_30x3"].Formats);
        Assert.Equal(14, sources["captions"].Ingested);
        Assert.Equal(final.Count(s => s.Source == "captions"), sources["captions"].Kept);
        Assert.Equal(final.Count, Report.Sources.Sum(s => s.Kept));
        Assert.Equal(final.Where(s => s.Source == "single_images").Sum(s => s.Images.Count), sources["single_images"].Images);
        Assert.Equal(1.0, Report.Sources.Sum(s => s.Share), 3);
    }

    [Fact]
    public void HistogramsPutEverySampleInTheBinOfItsLength()
    {
        var final = Ingest.Samples(run.StageDir("tag"));
        var bins = Report.TextLength.Bins;

        Assert.Equal(final.Count, bins.Sum(b => b.Count));
        foreach (var bin in bins)
        {
            // counted here independently: characters of every turn without the <image> placeholder
            var inBin = final.Count(s =>
            {
                var chars = s.Turns.Sum(t => t.Value.Replace("<image>", "").EnumerateRunes().Count());
                return chars >= bin.From && (bin.To is null || chars < bin.To);
            });
            Assert.True(inBin == bin.Count, $"text length bin {bin.From}-{bin.To}: {bin.Count} in the report, {inBin} counted");
        }
        var tokens = Report.VisualTokens;
        Assert.Equal(final.Count, tokens.Bins.Sum(b => b.Count) + tokens.Excluded);
        Assert.Equal(final.Sum(s => s.VisualTokens.GetValueOrDefault("llava-onevision")), Report.Totals.VisualTokens);
        Assert.All(final.Where(s => s.Images.Count > 0), s => Assert.True(s.VisualTokens.ContainsKey("llava-onevision"), "hashed samples carry their tokens"));
    }

    [Fact]
    public void InstructionTypesAndHeatmapComeFromTheFinalSamplesTags()
    {
        var final = Ingest.Samples(run.StageDir("tag"));
        var l2 = Report.Tags.InstructionTypes["l2"].ToDictionary(t => t.Type, t => t.Count);
        var expected = final.SelectMany(s => s.InstructionTags.Select(t => string.Join('/', t.Path.Split('/').Take(2))).Distinct())
            .GroupBy(t => t).ToDictionary(g => g.Key, g => (long)g.Count());

        Assert.Equal(expected, l2);
        Assert.Contains("cat", Report.Tags.ImageTags.Select(t => t.Tag));
        var matrix = Report.Tags.Matrix;
        Assert.Equal("l2", matrix.Level);
        Assert.Equal(matrix.Tags.Count, matrix.Counts.Count);
        var catRow = matrix.Counts[matrix.Tags.IndexOf("cat")];
        Assert.Equal(final.Count(s => s.ImageTags.Any(t => t.Tag == "cat") && s.InstructionTags.Count > 0), catRow.Sum()); // one type each here
    }

    [Fact]
    public void GalleryShowsSamplesOfEverySourceWithTheirImagesEmbedded()
    {
        var gallery = Report.Gallery;

        Assert.Equal(12, gallery.Count);
        Assert.Equal(["captions", "combined_coco", "single_images"], gallery.Select(g => g.Source).Distinct().Order(StringComparer.Ordinal));
        Assert.All(gallery.SelectMany(g => g.Images), i => Assert.StartsWith("data:image/", i.DataUri));
        Assert.All(gallery.SelectMany(g => g.Images), i => Assert.Null(i.Missing));
    }

    [Fact]
    public void DataFromRecordsIsEscapedInThePage()
    {
        using var dir = TestPaths.NewTempDir();
        ReportBuilder.Write(run.Dir, dir.Path, options: new ReportOptions { GallerySize = 100 });
        var html = File.ReadAllText(dir.File(ReportBuilder.HtmlFile));

        Assert.Contains("What is &lt;script&gt;console.error(&#39;injected&#39;)&lt;/script&gt; in &quot;this&quot; picture &amp; why?", html);
        Assert.Contains("&lt;b&gt;sleeping&lt;/b&gt;", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("<b>sleeping", html);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?\s*(https?:)?//", html);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File(ReportBuilder.JsonFile)));
        Assert.Contains(json.RootElement.GetProperty("gallery").EnumerateArray(), g => g.GetProperty("id").GetString() == SampleRun.HostileId);
    }

    [Fact]
    public void SameInputGivesByteIdenticalFiles()
    {
        using var dir = TestPaths.NewTempDir();

        ReportBuilder.Write(run.Dir, dir.File("a"));
        ReportBuilder.Write(run.Dir, dir.File("b"));

        foreach (var file in new[] { ReportBuilder.JsonFile, ReportBuilder.HtmlFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("a"), file)), File.ReadAllBytes(Path.Combine(dir.File("b"), file)));
    }

    [Fact]
    public void ThreeThreadsWriteTheFilesOfOne()
    {
        using var dir = TestPaths.NewTempDir();
        // the tagged samples 60 times over, so each thread counts batches of its own
        var copies = Enumerable.Range(0, 60).SelectMany(copy => Ingest.Samples(run.StageDir("tag")).Select(sample => { sample.Id += "-" + copy; return sample; }));
        Read.WriteAll(dir.File("tagged.jsonl"), "mmforge", copies);
        Ingest.Run(dir.File("dataset"), [new SourceRequest(dir.File("tagged.jsonl"))], new RuleSet(disable: ["image-missing"]));

        var one = ReportBuilder.Write(dir.File("dataset"), dir.File("one"));
        ReportBuilder.Write(dir.File("dataset"), dir.File("three"), options: new ReportOptions { Workers = 3 });

        Assert.True(one.Totals.Samples > 6 * 64, $"{one.Totals.Samples} samples");
        Assert.NotEmpty(one.Tags.ImageTags);
        foreach (var file in new[] { ReportBuilder.JsonFile, ReportBuilder.HtmlFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("one"), file)), File.ReadAllBytes(Path.Combine(dir.File("three"), file)));
    }

    [Fact]
    public void ALoneDatasetReportsItsStageHistoryAndItsOwnRejects()
    {
        var report = ReportBuilder.Build(run.StageDir("dedup"));

        Assert.Equal("dataset", report.Input);
        Assert.Equal(["ingest", "hash", "dedup"], report.Funnel.Select(f => f.Stage));
        Assert.Equal(Report.Funnel.Take(3).Select(f => f.Records), report.Funnel.Select(f => f.Records));
        Assert.All(report.RejectsByRule, r => Assert.Equal("dedup", r.Stage));
        Assert.Equal(5, report.DuplicatesByKind.Sum(d => d.Count));
        Assert.All(report.Sources, s => Assert.Null(s.Ingested)); // only an ingest knows what each source brought
    }
}

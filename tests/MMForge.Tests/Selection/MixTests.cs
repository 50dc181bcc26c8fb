using MMForge.Filters;
using MMForge.Media.VisualTokens;
using MMForge.Records;
using MMForge.Selection;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

public class MixTests
{
    private const string Sampled = """
        mixes:
          - name: percent
            sources:
              - source: caps
                sampling: first:10%
              - source: vqa
                sampling: end:25%
              - source: ocr
                sampling: random:50%
          - name: counts
            sources:
              - {source: caps, sampling: "first:7"}
              - {source: vqa, sampling: "random:5"}
              - {source: "*", sampling: "end:3"}
        """;

    private static List<string> Ids(IEnumerable<Sample> samples, string source) => samples.Where(s => s.Source == source).Select(s => s.Id).ToList();

    private static List<string> Range(string source, int from, int count) => Enumerable.Range(from, count).Select(i => $"{source}-{i:D3}").ToList();

    /// <summary>docs/selection.md: random:N takes the N samples first in the mix's shuffle, keyed by (seed, sample id, mix name).</summary>
    private static List<string> FirstInShuffle(IEnumerable<string> ids, int n, ulong seed, string mix) =>
        ids.OrderBy(id => StableRandom.Bits(StableRandom.Bits(seed, id), StableRandom.Bits(seed, "mix:" + mix))).Take(n).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void SamplingStrategiesTakeExactlyTheDocumentedRecords()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("mixes.yaml"), Sampled);

        var result = SelectionData.Select(dir.File("out"), new SelectOptions { Mixes = MixFile.Load(dir.File("mixes.yaml")), Seed = 7 }, data);

        var percent = SelectionData.MixSamples(dir.File("out"), "percent");
        Assert.Equal(Range("caps", 0, 12), Ids(percent, "caps"));    // ceil(10% of 120)
        Assert.Equal(Range("vqa", 45, 15), Ids(percent, "vqa"));     // the last 25% of 60
        Assert.Equal(FirstInShuffle(Range("ocr", 0, 20), 10, 7, "percent"), Ids(percent, "ocr"));
        var counts = SelectionData.MixSamples(dir.File("out"), "counts");
        Assert.Equal(Range("caps", 0, 7), Ids(counts, "caps"));
        Assert.Equal(FirstInShuffle(Range("vqa", 0, 60), 5, 7, "counts"), Ids(counts, "vqa"));
        Assert.Equal(Range("ocr", 17, 3), Ids(counts, "ocr"));       // "*" covers ocr, the one source not named
        Assert.Equal(new Dictionary<string, long> { ["caps"] = 12, ["ocr"] = 10, ["vqa"] = 15 }, result.Mixes.Mixes[0].RecordsBySource);
        Assert.Equal(new Dictionary<string, long> { ["not-sampled"] = 200 - 15 }, result.Mixes.Mixes[1].UnselectedByReason);
    }

    [Fact]
    public void RandomSamplingDependsOnTheSeedOnly()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("mixes.yaml"), Sampled);
        var mixes = MixFile.Load(dir.File("mixes.yaml"));

        SelectionData.Select(dir.File("a"), new SelectOptions { Mixes = mixes, Seed = 1 }, data);
        new SelectionJob(new SelectOptions { Mixes = mixes, Seed = 1, Workers = 1 }).Run(
            new MMForge.Formats.SourceOpener(MMForge.Formats.FormatRegistry.Default).Open(new MMForge.Formats.SourceRequest(data)).ToList(), dir.File("b"));
        SelectionData.Select(dir.File("c"), new SelectOptions { Mixes = mixes, Seed = 2 }, data);

        List<string> Ocr(string outDir) => Ids(SelectionData.MixSamples(outDir, "percent"), "ocr");
        Assert.Equal(Ocr(dir.File("a")), Ocr(dir.File("b")));
        Assert.NotEqual(Ocr(dir.File("a")), Ocr(dir.File("c")));
    }

    [Fact]
    public void TokensAreCountedUnderEachMixsGridLimitAndBudgetsHold()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("mixes.yaml"), """
            - name: stage-1
              max_grid: 1
              sources: [{source: "*"}]
            - name: stage-2a
              max_grid: 2
              sources: [{source: "*"}]
            - name: stage-3
              max_grid: 6
              max_visual_tokens: 300_000
              sources: [{source: "*"}]
            """);

        var result = SelectionData.Select(dir.File("out"), new SelectOptions { Mixes = MixFile.Load(dir.File("mixes.yaml")) }, data);

        var (one, two, three) = (result.Mixes.Mixes[0], result.Mixes.Mixes[1], result.Mixes.Mixes[2]);
        Assert.Equal(200 * 729L, one.VisualTokens);  // one base view per image
        var grid2 = new AnyResTokens(maxViews: 4, gridMax: 2);  // 2x2 crops shrunk to 4 views + the base view: 5 views
        Assert.Equal(SelectionData.MixSamples(dir.File("out"), "stage-2a").Sum(s => (long)grid2.Count(s.Images[0].Width!.Value, s.Images[0].Height!.Value).Tokens), two.VisualTokens);
        Assert.True(two.VisualTokens > one.VisualTokens);

        var grid6 = new AnyResTokens(maxViews: 9, gridMax: 6);
        var inBudget = SelectionData.MixSamples(dir.File("out"), "stage-3");
        var spent = inBudget.Sum(s => (long)grid6.Count(s.Images[0].Width!.Value, s.Images[0].Height!.Value).Tokens);
        Assert.Equal(spent, three.VisualTokens);
        Assert.InRange(spent, 300_000 - grid6.Count(4000, 3000).Tokens * 2, 300_000);  // filled until the next sample did not fit
        Assert.True(three.Records < 200);
        Assert.Equal(200 - three.Records, three.UnselectedByReason["over-token-budget"]);
        Assert.Equal((6, 10), (three.MaxGrid!.Value, three.MaxViews!.Value));
    }

    [Fact]
    public void ImagesWithoutSizeCountAtTheirLimitsAllowance()
    {
        var limit = new ImageTokenLimit(3, null);
        Assert.Equal(6 * 729, limit.Tokens(new ImageRef { Path = "a.jpg" }));
        Assert.Equal(new AnyResTokens(maxViews: 5, gridMax: 3).Count(640, 480).Tokens, limit.Tokens(new ImageRef { Path = "a.jpg", Width = 640, Height = 480 }));
        Assert.Equal(729, new ImageTokenLimit(1, null).Tokens(new ImageRef { Path = "a.jpg", Width = 4000, Height = 3000 }));
    }

    [Fact]
    public void EveryDecodedSampleIsInTheMixOrCountedWithAReason()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("mixes.yaml"), Sampled);

        var result = SelectionData.Select(dir.File("out"), new SelectOptions
        {
            Mixes = MixFile.Load(dir.File("mixes.yaml")),
            Balance = new() { By = StratumKey.TypeL1, CapPerGroup = 70, YesNoBalance = true },
        }, data);

        Assert.All(result.Mixes.Mixes, mix => Assert.Equal(200, mix.Records + mix.UnselectedByReason.Values.Sum()));
        Assert.All(result.Mixes.Mixes, mix => Assert.Empty(File.ReadAllText(Path.Combine(dir.File("out"), mix.Dir, "rejects", "rejects.jsonl"))));
    }

    [Fact]
    public void AnUndecodableRecordIsRejectedOnceInTheFirstMix()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.AppendAllText(Directory.GetFiles(Path.Combine(data, "data"), "*.jsonl").Single(), "{\"id\": \"broken\", \"conversations\": 5}\n");
        File.WriteAllText(dir.File("mixes.yaml"), Sampled);

        var result = SelectionData.Select(dir.File("out"), new SelectOptions { Mixes = MixFile.Load(dir.File("mixes.yaml")) }, data);

        Assert.Equal([1L, 0L], result.Manifests.Select(m => m.Rejected));
        Assert.Contains("broken", File.ReadAllText(Path.Combine(dir.File("out"), "percent", "rejects", "rejects.jsonl")));
        Assert.All(result.Mixes.Mixes, mix => Assert.Equal(200, mix.Records + mix.UnselectedByReason.Values.Sum()));
    }

    [Fact]
    public void TwoRunsWriteByteIdenticalMixDirectories()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        var synthesized = SelectionData.Dataset(dir, "more", "vqa");
        File.WriteAllText(dir.File("mixes.yaml"), Sampled);
        SelectOptions Options(int workers) => new()
        {
            Mixes = MixFile.Load(dir.File("mixes.yaml")), Seed = 3, Workers = workers,
            Balance = new() { By = StratumKey.Source, MaxRecords = 150, Diversity = true, YesNoBalance = true },
        };
        var sources = () => new[] { data, synthesized }.SelectMany(d => new MMForge.Formats.SourceOpener(MMForge.Formats.FormatRegistry.Default).Open(new MMForge.Formats.SourceRequest(d))).ToList();

        new SelectionJob(Options(1)).Run(sources(), dir.File("a"));
        new SelectionJob(Options(4)).Run(sources(), dir.File("b"));
        new SelectionJob(Options(4)).Run(sources(), dir.File("b")); // replacing an earlier selection

        var files = Directory.GetFiles(dir.File("a"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("a"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.GetFiles(dir.File("b"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("b"), f)).Order(StringComparer.Ordinal));
        Assert.Contains("mixes.json", files);
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("a"), f)), File.ReadAllBytes(Path.Combine(dir.File("b"), f))));
    }

    [Fact]
    public void AnOutputDirectoryHoldingSomethingElseIsRefused()
    {
        using var dir = TestPaths.NewTempDir();
        var data = SelectionData.Dataset(dir, "data");
        File.WriteAllText(dir.File("keep.txt"), "mine");

        Assert.Throws<ArgumentException>(() => SelectionData.Select(dir.Path, new SelectOptions(), data));
        Assert.True(File.Exists(dir.File("keep.txt")));
    }
}

using System.Text.Json;
using MMForge.Dedup.Text;
using MMForge.Tests.Support;

namespace MMForge.Tests.Dedup.Text;

public class MinHashLshTests
{
    private static readonly MinHashOptions Defaults = new();

    private static IReadOnlyList<TextEdge> Edges(IReadOnlyList<string> texts, int threads = 1, MinHashOptions? options = null)
    {
        using var dir = TestPaths.NewTempDir();
        using var lsh = new MinHashLsh(options ?? Defaults, dir.Path);
        lsh.AddRange(texts, threads);
        return lsh.FindEdges(threads);
    }

    /// <summary>1,500 unrelated texts of 25–60 words, then 150 copies of some of them with 1–3 words replaced.</summary>
    private static (List<string> Texts, List<(int Original, int Copy)> Planted) PlantedCorpus()
    {
        var random = new RandomTexts(7);
        var texts = Enumerable.Range(0, 1500).Select(_ => random.Text(random.Next(25, 60))).ToList();
        var planted = new List<(int, int)>();
        for (var i = 0; i < 150; i++)
        {
            var original = random.Next(0, 1500);
            planted.Add((original, texts.Count));
            texts.Add(random.Edit(texts[original], random.Next(1, 4)));
        }
        return (texts, planted);
    }

    [Fact]
    public void FindsPlantedNearDuplicatesAndPairsNothingElse()
    {
        var (texts, planted) = PlantedCorpus();
        var edges = Edges(texts);
        var components = new Components(texts.Count, edges);
        // a copy with three of 25 words replaced can fall below the threshold; from 0.8 up, the
        // estimate (sd 0.037) reaches 0.7 all but never
        var clearCopies = planted.Where(p => ExactJaccard.Of(texts[p.Original], texts[p.Copy]) >= 0.8).ToList();
        Assert.True(clearCopies.Count > 100);
        Assert.All(clearCopies, p => Assert.True(components.Connected(p.Original, p.Copy), $"planted {p} not found"));
        var plantedSet = planted.Select(p => (Math.Min(p.Original, p.Copy), Math.Max(p.Original, p.Copy))).ToHashSet();
        // a text copied twice makes its two copies near each other too
        Assert.All(edges, e => Assert.True(plantedSet.Contains((e.A, e.B)) || planted.Any(p => p.Copy == e.A) && planted.Any(p => p.Copy == e.B),
            $"unrelated texts {e.A} and {e.B} paired at {e.Similarity}"));
        Assert.All(edges, e => Assert.True(e.A < e.B && e.Similarity >= Defaults.JaccardThreshold));
    }

    [Fact]
    public void TheResultIsTheSameForAnyThreadCount()
    {
        var (texts, _) = PlantedCorpus();
        var oneThread = Edges(texts, threads: 1);
        Assert.NotEmpty(oneThread);
        Assert.Equal(oneThread, Edges(texts, threads: 2));
        Assert.Equal(oneThread, Edges(texts, threads: 3));
        Assert.Equal(oneThread.OrderBy(e => e.A).ThenBy(e => e.B), oneThread);
    }

    [Fact]
    public void AddingOneByOneOrAsARangeGivesTheSameEdges()
    {
        var (texts, _) = PlantedCorpus();
        using var dir = TestPaths.NewTempDir();
        using var lsh = new MinHashLsh(Defaults, dir.Path);
        foreach (var text in texts) lsh.Add(text);
        Assert.Equal(Edges(texts, threads: 2), lsh.FindEdges(1));
    }

    [Fact]
    public void ALargeGroupOfCopiesEndsUpConnected()
    {
        var random = new RandomTexts(5);
        var template = random.Text(30);
        // more copies than a band group verifies all pairs of, among unrelated texts
        var texts = Enumerable.Range(0, 300).Select(i => i % 5 == 0 ? random.Edit(template, 1) : random.Text(30)).ToList();
        var components = new Components(texts.Count, Edges(texts));
        var copies = Enumerable.Range(0, texts.Count).Where(i => i % 5 == 0).ToList();
        Assert.True(copies.Count > BandCandidates.AllPairsGroupLimit);
        Assert.All(copies, c => Assert.True(components.Connected(copies[0], c)));
        Assert.All(Enumerable.Range(0, texts.Count).Where(i => i % 5 != 0), i => Assert.True(components.Alone(i)));
    }

    [Fact]
    public void FindsTheNearCopiesInDataJuicersDedupDemo()
    {
        var texts = File.ReadLines(TestPaths.Sample("data-juicer", "demo-dataset-deduplication.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
        var components = new Components(texts.Count, Edges(texts));
        // 6/11 identical; 7/8 and 9/10 the long article and its first half, each with two words changed
        // ("plant"/"plants", "pigs"/"pig"); 12/13 the Chinese report with "时间：" added
        Assert.True(components.Connected(6, 11));
        Assert.True(components.Connected(7, 8));
        Assert.True(components.Connected(9, 10));
        Assert.True(components.Connected(12, 13));
        // the short English, French and Chinese one-liners are distinct (0/5 is borderline, true Jaccard 0.68)
        Assert.All(new[] { 1, 2, 3, 4 }, i => Assert.True(components.Alone(i)));
    }

    [Fact]
    public void TheSpillFileIsDeletedOnDispose()
    {
        using var dir = TestPaths.NewTempDir();
        var lsh = new MinHashLsh(Defaults, dir.Path);
        lsh.Add("some text");
        lsh.Add("some text!");
        Assert.True(File.Exists(lsh.SpillPath));
        Assert.Equal([new TextEdge(0, 1, 1.0)], lsh.FindEdges(2));
        lsh.Dispose();
        Assert.False(File.Exists(lsh.SpillPath));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void FewerThanTwoSamplesHaveNoEdges()
    {
        using var dir = TestPaths.NewTempDir();
        using var lsh = new MinHashLsh(Defaults, dir.Path);
        Assert.Empty(lsh.FindEdges(1));
        lsh.Add("only one");
        Assert.Empty(lsh.FindEdges(1));
    }
}

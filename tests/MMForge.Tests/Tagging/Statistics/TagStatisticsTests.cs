using System.Text.Json;
using MMForge.Records;
using MMForge.Tagging.Statistics;
using MMForge.Tests.Tagging.Correspondence;
using static MMForge.Tests.Tagging.Correspondence.PlantedSeed;

namespace MMForge.Tests.Tagging.Statistics;

public class TagStatisticsTests
{
    private static readonly Sample[] HandBuilt =
    [
        Tagged(["menu", "text"], "a/b/c"),
        Tagged(["menu", "Menu ", "dog"], "a/b/c", "a/b/d", "a/e/f"),
        Tagged(["dog"]),
        Tagged([], "x/y/z", "", "/bad"),
        Tagged(["text"], "a/b"),
    ];

    private static TagStatistics Gather(IEnumerable<Sample> samples)
    {
        var statistics = new TagStatistics();
        foreach (var sample in samples) statistics.Add(sample);
        return statistics;
    }

    [Fact]
    public void CountsSamplesPerTagPerTypeAndPerPair()
    {
        var s = Gather(HandBuilt);
        Assert.Equal((5, 4, 4, 2), (s.Samples, s.WithImageTags, s.WithInstructionTags, s.InvalidInstructionTags));
        Assert.Equal((2, 2, 2, 0), (s.TagCount("menu"), s.TagCount("text"), s.TagCount("dog"), s.TagCount("Menu")));
        Assert.Equal((3, 1), (s.TypeCount(1, "a"), s.TypeCount(1, "x")));
        Assert.Equal((3, 1, 1), (s.TypeCount(2, "a/b"), s.TypeCount(2, "a/e"), s.TypeCount(2, "x/y")));
        Assert.Equal((2, 1, 1, 1), (s.TypeCount(3, "a/b/c"), s.TypeCount(3, "a/b/d"), s.TypeCount(3, "a/e/f"), s.TypeCount(3, "x/y/z")));
        Assert.Equal((2, 2, 1, 1), (s.PairCount(2, "menu", "a/b"), s.PairCount(2, "text", "a/b"), s.PairCount(2, "dog", "a/b"), s.PairCount(2, "dog", "a/e")));
        Assert.Equal((2, 1), (s.PairCount(1, "text", "a"), s.PairCount(3, "text", "a/b/c")));
    }

    [Fact]
    public void TheJsonListsEverythingInCountThenNameOrder()
    {
        using var doc = JsonDocument.Parse(Gather(HandBuilt).ToJson(new TagStatisticsView { TopTags = 2 }));
        var root = doc.RootElement;
        Assert.Equal(["samples", "samples_with_image_tags", "samples_with_instruction_tags", "invalid_instruction_tags", "distinct_image_tags", "image_tags", "instruction_types", "matrix"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, root.GetProperty("distinct_image_tags").GetInt32());
        Assert.Equal([("dog", 2, 0.5), ("menu", 2, 0.5)], root.GetProperty("image_tags").EnumerateArray()
            .Select(e => (e.GetProperty("tag").GetString(), e.GetProperty("count").GetInt32(), e.GetProperty("share").GetDouble())));
        var types = root.GetProperty("instruction_types");
        Assert.Equal([("a", 3, 0.75), ("x", 1, 0.25)], Rows(types.GetProperty("l1")));
        Assert.Equal([("a/b", 3, 0.75), ("a/e", 1, 0.25), ("x/y", 1, 0.25)], Rows(types.GetProperty("l2")));
        Assert.Equal(["a/b/c", "a/b/d", "a/e/f", "x/y/z"], types.GetProperty("l3").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var matrix = root.GetProperty("matrix");
        Assert.Equal("l2", matrix.GetProperty("level").GetString());
        Assert.Equal(["dog", "menu", "text"], matrix.GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["a/b", "a/e", "x/y"], matrix.GetProperty("types").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([[1, 1, 0], [2, 1, 0], [2, 0, 0]], matrix.GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()));
    }

    private static IEnumerable<(string?, int, double)> Rows(JsonElement list) =>
        list.EnumerateArray().Select(e => (e.GetProperty("type").GetString(), e.GetProperty("count").GetInt32(), e.GetProperty("share").GetDouble()));

    [Fact]
    public void MergedPartsEqualOnePassWhateverTheOrder()
    {
        var samples = Samples(300);
        var view = new TagStatisticsView { MatrixLevel = 3, MatrixTags = 10, MatrixTypes = 5 };
        var whole = Gather(samples).ToJson(view);
        var odd = Gather(samples.Where((_, i) => i % 2 == 1));
        var even = Gather(samples.Where((_, i) => i % 2 == 0));
        odd.Merge(even);
        Assert.Equal(whole, odd.ToJson(view));
        var reversed = Enumerable.Reverse(samples);
        Assert.Equal(whole, Gather(reversed).ToJson(view));
        using var doc = JsonDocument.Parse(whole);
        Assert.Equal(300, doc.RootElement.GetProperty("samples").GetInt32());
        Assert.Equal(Noise.Order(), doc.RootElement.GetProperty("image_tags").EnumerateArray().Take(4).Select(e => e.GetProperty("tag").GetString()!).Order());
    }

    [Fact]
    public void ABadViewIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new TagStatistics().ToJson(new TagStatisticsView { MatrixLevel = 4 }));
        Assert.Throws<ArgumentException>(() => new TagStatistics().ToJson(new TagStatisticsView { TopTags = -1 }));
        using var empty = JsonDocument.Parse(new TagStatistics().ToJson());
        Assert.Equal(0, empty.RootElement.GetProperty("image_tags").GetArrayLength());
    }
}

using MMForge.Records;
using MMForge.Reports;
using MMForge.Reports.Charts;

namespace MMForge.Tests.Reports;

public class ReportPartsTests
{
    [Fact]
    public void FixedBinsPutABoundInTheBinItOpensAndClampTheEnds()
    {
        var bins = new FixedBins(0, 50, 100);
        foreach (var value in new long[] { -3, 0, 49, 50, 99, 100, 1_000_000 }) bins.Add(value);

        var data = bins.ToData("characters", 0);

        Assert.Equal([(0L, (long?)50, 3L), (50, 100, 2), (100, null, 2)], data.Bins.Select(b => (b.From, b.To, b.Count)));
        Assert.Equal("50–99", HistogramChart.Range(data.Bins[1]));
        Assert.Equal("100+", HistogramChart.Range(data.Bins[2]));
        Assert.Throws<ArgumentException>(() => new FixedBins(0, 10, 10));
    }

    [Fact]
    public void ConversationLengthCountsCodePointsWithoutImagePlaceholders()
    {
        var sample = new Sample { Text = "𝒳y" }; // one astral character + one letter
        sample.Turns.Add(new Turn(Roles.Human, "<image>\n这是什么?<image>"));
        sample.Turns.Add(new Turn(Roles.Gpt, "A cat."));

        Assert.Equal(2 + 6 + 6, ConversationText.Characters(sample));
    }

    [Fact]
    public void ChartsEscapeLabelsAndKeepFullTextInTooltips()
    {
        var svg = BarChart.Render("tags <&>", [new BarValue("<script>alert(1)</script> and a very long label that will be clipped", 3)], "samples");

        Assert.DoesNotContain("<script>", svg);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; and a very long label that will be clipped: 3", svg);
        Assert.Contains("<title>tags &lt;&amp;&gt;</title>", svg);
    }
}

public class GalleryPickerTests
{
    private static GalleryCandidate Candidate(string source, int n, bool image = true)
    {
        var sample = new Sample { Id = $"{source}-{n}" };
        if (image) sample.Images.Add(ImageRef.FromPath($"{n}.jpg"));
        return new GalleryCandidate(sample, source, null, _ => throw new InvalidOperationException("not resolved while picking"));
    }

    [Fact]
    public void PicksTheSameSamplesWhateverTheOrderTheyArriveIn()
    {
        var candidates = Enumerable.Range(0, 30).SelectMany(i => new[] { Candidate("b", i), Candidate("a", i, image: i % 2 == 0), Candidate("c", i) }).ToList();
        List<string> Pick(IEnumerable<GalleryCandidate> offered)
        {
            var picker = new GalleryPicker(7);
            foreach (var c in offered) picker.Offer(c);
            return picker.Chosen().Select(c => c.Sample.Id).ToList();
        }

        var forward = Pick(candidates);

        Assert.Equal(forward, Pick(Enumerable.Reverse(candidates)));
        Assert.Equal(forward, Pick(candidates.OrderBy(c => c.Sample.Id.GetHashCode() ^ 12345)));
        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], forward.Select(id => id[..1]));
        Assert.All(forward.Where(id => id.StartsWith('a')), id => Assert.Equal(0, int.Parse(id[2..]) % 2)); // samples with images first
    }

    [Fact]
    public void OnlyTheFirstSourcesByNameGetATurnWhenThereAreMoreSourcesThanPlaces()
    {
        var picker = new GalleryPicker(3);
        foreach (var source in new[] { "zeta", "delta", "alpha", "omega", "beta", "gamma" })
            for (var i = 0; i < 5; i++) picker.Offer(Candidate(source, i));

        Assert.Equal(["alpha", "beta", "delta"], picker.Chosen().Select(c => c.Source));
    }
}

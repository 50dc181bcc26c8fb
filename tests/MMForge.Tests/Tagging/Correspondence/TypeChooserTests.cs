using MMForge.Tagging.Correspondence;

namespace MMForge.Tests.Tagging.Correspondence;

public class TypeChooserTests
{
    /// <summary>Ten types scored 1.0, 0.9, ..., 0.1.</summary>
    private static readonly IReadOnlyList<TypeScore> Ranked =
        Enumerable.Range(0, 10).Select(i => new TypeScore($"t/{i}", 1.0 - i / 10.0, [])).ToList();

    private static string[] Chosen(double temperature, string key, ulong seed = 0, int k = 2) =>
        TypeChooser.Choose(Ranked, k, temperature, seed, key).Select(t => t.Type).ToArray();

    [Fact]
    public void TemperatureZeroTakesTheTopK()
    {
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal(["t/0", "t/1", "t/2"], Chosen(0, "key" + i, (ulong)i, k: 3)));
    }

    [Fact]
    public void TheSameSeedAndKeyChooseTheSameTypes()
    {
        for (var i = 0; i < 50; i++) Assert.Equal(Chosen(0.5, "sample-" + i, 3), Chosen(0.5, "sample-" + i, 3));
        var byKey = Enumerable.Range(0, 50).Select(i => string.Join(",", Chosen(0.5, "sample-" + i, 3))).Distinct().Count();
        var bySeed = Enumerable.Range(0, 50).Select(i => string.Join(",", Chosen(0.5, "sample-1", (ulong)i))).Distinct().Count();
        Assert.True(byKey > 10, $"{byKey} distinct choices over 50 keys");
        Assert.True(bySeed > 10, $"{bySeed} distinct choices over 50 seeds");
        // a type's draw depends on (seed, key, type) only: listing the types in another order changes nothing
        var shuffled = Ranked.Reverse().ToList();
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(Chosen(0.5, "k" + i), TypeChooser.Choose(shuffled, 2, 0.5, 0, "k" + i).Select(t => t.Type)));
    }

    [Fact]
    public void ChoicesAreDistinctAndFollowTheSoftmax()
    {
        const int draws = 4000;
        var first = new int[10];
        for (var i = 0; i < draws; i++)
        {
            var chosen = Chosen(0.2, "draw-" + i, k: 3);
            Assert.Equal(3, chosen.Distinct().Count());
            first[int.Parse(chosen[0][2..])]++;
        }
        // P(first = i) = softmax(score / 0.2): e^(-0.5 i) over the sum
        var expected = Enumerable.Range(0, 10).Select(i => Math.Exp(-0.5 * i)).ToArray();
        for (var i = 0; i < 10; i++)
        {
            var p = expected[i] / expected.Sum();
            Assert.InRange(first[i] / (double)draws, p - 4 * Math.Sqrt(p * (1 - p) / draws) - 0.002, p + 4 * Math.Sqrt(p * (1 - p) / draws) + 0.002);
        }
    }

    [Fact]
    public void LowTemperatureConcentratesAndHighTemperatureSpreads()
    {
        int DistinctFirsts(double t) => Enumerable.Range(0, 500).Select(i => Chosen(t, "s" + i)[0]).Distinct().Count();
        double TopShare(double t) => Enumerable.Range(0, 500).Count(i => Chosen(t, "s" + i)[0] == "t/0") / 500.0;
        Assert.True(TopShare(0.02) > 0.99);
        Assert.True(TopShare(0.2) is > 0.3 and < 0.5);
        Assert.True(TopShare(100) < 0.2);
        Assert.Equal(10, DistinctFirsts(100));
        Assert.True(DistinctFirsts(0.02) <= 2);
    }

    [Fact]
    public void OnlyTypesWithAPositiveScoreAreChosen()
    {
        TypeScore[] scores = [new("a", 0.5, []), new("b", 0, []), new("c", 0.1, [])];
        Assert.Equal(["a", "c"], TypeChooser.Choose(scores, 5, 1, 0, "x").Select(t => t.Type).Order());
        Assert.Empty(TypeChooser.Choose([], 2, 1, 0, "x"));
        Assert.Empty(TypeChooser.Choose(scores, 0, 1, 0, "x"));
        Assert.Throws<ArgumentException>(() => TypeChooser.Choose(scores, -1, 1, 0, "x"));
        Assert.Throws<ArgumentException>(() => TypeChooser.Choose(scores, 1, double.NaN, 0, "x"));
        Assert.Throws<ArgumentException>(() => TypeChooser.Choose(scores, 1, -0.1, 0, "x"));
    }
}

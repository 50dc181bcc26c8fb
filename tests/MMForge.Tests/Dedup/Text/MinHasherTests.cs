using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup.Text;

public class MinHasherTests
{
    private static readonly MinHashOptions Defaults = new();

    private static uint[] Signature(MinHasher hasher, string text)
    {
        var signature = new uint[hasher.Permutations];
        hasher.Compute(text, signature);
        return signature;
    }

    [Fact]
    public void EstimatedJaccardTracksTheTrueJaccardWithinTheBinomialError()
    {
        var hasher = new MinHasher(Defaults);
        var texts = new RandomTexts(11);
        var standardised = new List<double>();
        for (var pair = 0; pair < 600; pair++)
        {
            var text = texts.Text(texts.Next(10, 60));
            var other = texts.Edit(text, texts.Next(0, 12));
            var truth = ExactJaccard.Of(text, other);
            var estimate = MinHasher.Similarity(Signature(hasher, text), Signature(hasher, other));
            // one estimate is a mean of 120 Bernoulli(J) draws: sd sqrt(J(1-J)/120), at most 0.046
            var sd = Math.Sqrt(truth * (1 - truth) / Defaults.Permutations);
            Assert.InRange(estimate, truth - 5 * sd - 1e-9, truth + 5 * sd + 1e-9);
            if (truth is > 0.05 and < 0.95) standardised.Add((estimate - truth) / sd);
        }
        // unbiased, and as spread as independent permutations would be
        Assert.InRange(standardised.Average(), -0.15, 0.15);
        Assert.InRange(Math.Sqrt(standardised.Average(z => z * z)), 0.85, 1.15);
    }

    [Fact]
    public void SignaturesDependOnlyOnTheNormalizedTextAndTheSeed()
    {
        var first = Signature(new MinHasher(Defaults), "What is the man holding?");
        Assert.Equal(first, Signature(new MinHasher(Defaults), "what is  the MAN holding"));
        Assert.NotEqual(first, Signature(new MinHasher(Defaults with { Seed = 2 }), "What is the man holding?"));
        Assert.Equal(1.0, MinHasher.Similarity(first, first));
    }

    [Fact]
    public void AnEmptyTextHasTheEmptySetSignature() =>
        Assert.All(Signature(new MinHasher(Defaults), " ?! "), v => Assert.Equal(uint.MaxValue, v));

    [Fact]
    public void ComputeAllocatesNothingOnceWarm()
    {
        var hasher = new MinHasher(Defaults);
        var signature = new uint[hasher.Permutations];
        var texts = new RandomTexts(3);
        var inputs = Enumerable.Range(0, 100).Select(_ => texts.Text(texts.Next(5, 80))).ToArray();
        hasher.Compute(new string('x', 2000), signature);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var text in inputs) hasher.Compute(text, signature);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void RejectsASignatureOfTheWrongLength() =>
        Assert.Throws<ArgumentException>(() => new MinHasher(Defaults).Compute("text", new uint[8]));
}

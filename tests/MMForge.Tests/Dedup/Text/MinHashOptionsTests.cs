using MMForge.Dedup.Text;

namespace MMForge.Tests.Dedup.Text;

public class MinHashOptionsTests
{
    [Fact]
    public void DefaultBandsMakeEveryPairAboveTheThresholdACandidate()
    {
        var options = new MinHashOptions();
        Assert.Equal(5, options.RowsPerBand);
        // the S-curve's midpoint (1/b)^(1/r) sits well below the verification threshold
        Assert.InRange(Math.Pow(1.0 / options.Bands, 1.0 / options.RowsPerBand), 0.52, 0.54);
        Assert.True(options.CandidateProbability(options.JaccardThreshold) > 0.98);
        Assert.True(options.CandidateProbability(0.8) > 0.9999);
        Assert.True(options.CandidateProbability(0.2) < 0.01);
    }

    [Theory]
    [InlineData(120, 24, 0.7, 0, "ShingleSize")]
    [InlineData(100, 20, 0.7, 5, "Permutations")]
    [InlineData(120, 7, 0.7, 5, "Bands")]
    [InlineData(120, 24, 0.0, 5, "JaccardThreshold")]
    public void ValidateNamesTheBadOption(int permutations, int bands, double threshold, int shingle, string option)
    {
        var options = new MinHashOptions { Permutations = permutations, Bands = bands, JaccardThreshold = threshold, ShingleSize = shingle };
        Assert.Equal(option, Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }
}

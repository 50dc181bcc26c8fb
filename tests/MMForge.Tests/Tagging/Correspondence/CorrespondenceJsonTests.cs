using MMForge.Tagging.Correspondence;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.Correspondence;

public class CorrespondenceJsonTests
{
    private static CorrespondenceModel Fitted(CorrespondenceOptions? options = null) =>
        CorrespondenceModel.Fit(PlantedSeed.Samples(240), options ?? new CorrespondenceOptions { MinSupport = 22 });

    [Fact]
    public void AModelReadBackIsExactlyTheModelWritten()
    {
        var model = Fitted();
        Assert.Contains(model.Types, t => !t.Supported); // both kinds travel
        Assert.Contains(model.Types, t => t.Supported);
        using var dir = TestPaths.NewTempDir();
        model.Save(dir.File("model.json"));
        var read = CorrespondenceModel.Load(dir.File("model.json"));

        Assert.Equal(model.ToJson(), read.ToJson());
        Assert.Equal(model.Options, read.Options);
        Assert.Equal(model.Seed, read.Seed);
        Assert.Equal(model.Idf, read.Idf);
        Assert.Equal(model.Types.Count, read.Types.Count);
        foreach (var (a, b) in model.Types.Zip(read.Types))
        {
            Assert.Equal((a.Type, a.SeedSamples, a.Supported, a.DistinctTags), (b.Type, b.SeedSamples, b.Supported, b.DistinctTags));
            Assert.Equal(a.Tags, b.Tags); // records: every double bit for bit
        }
        (string, double)[] image = [("menu", 7.5), ("text", 3.25), ("person", 1)];
        Assert.Equal(model.Score(image).Select(s => (s.Type, s.Score)), read.Score(image).Select(s => (s.Type, s.Score)));
    }

    [Fact]
    public void TheFileIsDeterministicAndOrdered()
    {
        var options = new CorrespondenceOptions { Unit = TypeLevel.L2, Tf = TfScheme.Sublinear, L2Normalize = false, MinSupport = 3, DfMinShare = 0, MaxTagsPerType = 7 };
        var json = Fitted(options).ToJson();
        Assert.Equal(json, Fitted(options).ToJson());
        var reversed = PlantedSeed.Samples(240);
        reversed.Reverse();
        Assert.Equal(json, CorrespondenceModel.Fit(reversed, options).ToJson()); // input order does not show
        Assert.Contains("\"unit\": \"l2\"", json);
        Assert.Contains("\"tf\": \"sublinear\"", json);
        var model = CorrespondenceModel.FromJson(json, "m.json");
        Assert.Equal(options, model.Options);
        Assert.Equal(model.Types.Select(t => t.Type).Order(StringComparer.Ordinal), model.Types.Select(t => t.Type));
        Assert.Equal(model.Idf.Keys.Order(StringComparer.Ordinal), model.Idf.Keys);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "'the model' must be an object")]
    [InlineData("{\"version\": 2}", "model version 2 is not supported")]
    [InlineData("{\"version\": 1}", "field 'options' is missing")]
    public void BrokenFilesAreRefusedWithTheReason(string json, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => CorrespondenceModel.FromJson(json, "m.json"));
        Assert.Contains("m.json", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("\"weight\": 0.", "\"weight\": \"x\", \"was\": 0.", "types.coarse-perception/image-scene/identify-weather-condition.tags[0].weight' must be a number")]
    [InlineData("\"unit\": \"l3\"", "\"unit\": \"l4\"", "'options.unit' must be l2 or l3")]
    [InlineData("\"min_support\": 22", "\"min_support\": 0", "min-support must be at least 1")]
    [InlineData("\"documents\": ", "\"documents\": 1", "'documents' must be the number of supported types")]
    [InlineData("\"seed_samples\": ", "\"seed_samples\": -", "seed_samples' must be a whole number")]
    public void DamagedFieldsAreNamed(string find, string replace, string reason)
    {
        var json = Fitted().ToJson();
        var at = json.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, find);
        var damaged = json[..at] + replace + json[(at + find.Length)..];
        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => CorrespondenceModel.FromJson(damaged, "m.json")).Message);
    }
}

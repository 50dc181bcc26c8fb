using MMForge.Records;
using MMForge.Tagging.Correspondence;
using static MMForge.Tests.Tagging.Correspondence.PlantedSeed;

namespace MMForge.Tests.Tagging.Correspondence;

public class CorrespondenceModelTests
{
    private static readonly CorrespondenceModel Planted = CorrespondenceModel.Fit(Samples(400), new CorrespondenceOptions());

    private static (string, double)[] Tags(params string[] tags) => tags.Select(t => (t, 1.0)).ToArray();

    [Theory]
    [InlineData(Charts, "graph", "bar")]
    [InlineData(Ocr, "menu", "text", "sign")]
    [InlineData(Animals, "dog", "cat")]
    [InlineData(Weather, "sky", "cloud")]
    public void ImagesWithPlantedTagsRankTheirTypeFirst(string type, params string[] planted)
    {
        var scores = Planted.Score(Tags([.. planted, .. Noise]));
        Assert.Equal(type, scores[0].Type);
        Assert.True(scores[0].Score > 1.4 * scores[1].Score, $"{scores[0].Score} vs {scores[1].Score}");
    }

    [Fact]
    public void TheExplanationNamesThePlantedTagsAsTheMainContributors()
    {
        var best = Planted.Score(Tags("menu", "text", "sign", "person", "indoor", "white", "wall"))[0];
        Assert.Equal(Ocr, best.Type);
        Assert.Equal(["menu", "sign", "text"], best.Contributions.Take(3).Select(c => c.Tag).Order());
        Assert.Equal(Noise.Order(), best.Contributions.Skip(3).Select(c => c.Tag).Order()); // each weighs less than any planted tag
        Assert.Equal(best.Score, best.Contributions.Sum(c => c.Contribution), 12);
        Assert.All(best.Contributions, c => Assert.Equal(c.Weight * c.ImageScore, c.Contribution, 15));
    }

    [Fact]
    public void IdfDownWeightsTheTagsPresentEverywhere()
    {
        Assert.Equal(12, Planted.Documents);
        Assert.Equal(new TagIdf(12, 1.0), Planted.Idf["person"]); // ln(13/13) + 1
        Assert.True(Planted.Idf["menu"].Idf > 1.5, Planted.Idf["menu"].ToString());
        var ocr = Planted.Types.Single(t => t.Type == Ocr);
        var person = ocr.Tags.Single(t => t.Tag == "person");
        var menu = ocr.Tags.Single(t => t.Tag == "menu");
        Assert.True(person.Tf > menu.Tf, "the noise tag is on more of the type's images");
        Assert.True(menu.Weight > person.Weight, "but weighs less once IDF is applied");
        Assert.Equal(["document", "menu", "sign", "text"], ocr.Tags.Take(4).Select(t => t.Tag).Order());
    }

    [Fact]
    public void WeightsFollowTheDocumentedFormulasOnAHandBuiltSet()
    {
        Sample[] seed =
        [
            Tagged(["x", "y"], "a/b/one"),
            Tagged(["x", "X "], "a/b/one"), // spellings of one tag count once
            Tagged(["y", "z"], "a/c/two"),
            Tagged(["q"], "a/c/rare"),
            Tagged([], "a/c/two"),           // no image tags: skipped
            Tagged(["x"], "a/b", "a//x"),    // too coarse for L3, malformed: skipped
        ];
        var raw = CorrespondenceModel.Fit(seed, new CorrespondenceOptions { MinSupport = 1, L2Normalize = false });
        Assert.Equal(new SeedSummary(6, 4, 1, 1, 2), raw.Seed);
        Assert.Equal(3, raw.Documents);
        double Idf(int df) => Math.Log(4.0 / (1 + df)) + 1;
        Assert.Equal(new TagIdf(1, Idf(1)), raw.Idf["x"]);
        Assert.Equal(new TagIdf(2, Idf(2)), raw.Idf["y"]);
        var one = raw.Types.Single(t => t.Type == "a/b/one");
        Assert.Equal(2, one.SeedSamples);
        Assert.Equal([new TagWeight("x", 2, 1.0, Idf(1), Idf(1)), new TagWeight("y", 1, 0.5, Idf(2), 0.5 * Idf(2))], one.Tags);

        var normalised = CorrespondenceModel.Fit(seed, new CorrespondenceOptions { MinSupport = 1 });
        var norm = Math.Sqrt(Idf(1) * Idf(1) + 0.25 * Idf(2) * Idf(2));
        Assert.Equal(Idf(1) / norm, normalised.Types.Single(t => t.Type == "a/b/one").Tags[0].Weight, 15);
        Assert.All(normalised.Types, t => Assert.Equal(1.0, Math.Sqrt(t.Tags.Sum(w => w.Weight * w.Weight)), 12));

        var sublinear = CorrespondenceModel.Fit(seed, new CorrespondenceOptions { MinSupport = 1, L2Normalize = false, Tf = TfScheme.Sublinear });
        Assert.Equal(1 + Math.Log(2), sublinear.Types.Single(t => t.Type == "a/b/one").Tags[0].Tf, 15);
    }

    [Fact]
    public void TypesBelowMinimumSupportAreKeptFlaggedButNeverScoredNorCountedInIdf()
    {
        Sample[] seed = [Tagged(["x"], "a/b/big"), Tagged(["x", "y"], "a/b/big"), Tagged(["y"], "a/b/small")];
        var model = CorrespondenceModel.Fit(seed, new CorrespondenceOptions { MinSupport = 2 });
        Assert.Equal([("a/b/big", true), ("a/b/small", false)], model.Types.Select(t => (t.Type, t.Supported)));
        Assert.Equal(1, model.Documents);
        Assert.Equal(1, model.Idf["y"].Df); // the small type's y is not counted
        Assert.Equal(["a/b/big"], model.Score(Tags("y")).Select(s => s.Type));
        Assert.Empty(model.Score(Tags("unknown")));
    }

    [Fact]
    public void TheL2UnitMergesLeavesUnderTheirParent()
    {
        var samples = Samples(200);
        var model = CorrespondenceModel.Fit(samples, new CorrespondenceOptions { Unit = TypeLevel.L2 });
        Assert.All(model.Types, t => Assert.Equal(2, t.Type.Split('/').Length));
        var singleInstance = model.Types.Select(t => t.Type).Where(t => t.StartsWith("fine-grained-perception-single-instance/")).ToList();
        Assert.Equal(["fine-grained-perception-single-instance/object-recognition", "fine-grained-perception-single-instance/ocr"], singleInstance);
        var ocrSeeds = samples.Count(s => s.InstructionTags.Any(t => t.Path == Ocr));
        Assert.Equal(ocrSeeds, model.Types.Single(t => t.Type == "fine-grained-perception-single-instance/ocr").SeedSamples);
        Assert.Equal("fine-grained-perception-single-instance/ocr", model.Score(Tags("menu", "text"))[0].Type);
    }

    [Fact]
    public void CountsGatheredInPartsAndMergedGiveTheSameModel()
    {
        var samples = Samples(300);
        var whole = CorrespondenceModel.Fit(samples, new CorrespondenceOptions());
        var parts = new[] { new CorrespondenceCounts(TypeLevel.L3), new CorrespondenceCounts(TypeLevel.L3) };
        foreach (var (sample, i) in samples.Select((s, i) => (s, i))) parts[i % 3 == 0 ? 0 : 1].Add(sample);
        parts[1].Merge(parts[0]); // another order of the same counts
        Assert.Equal(whole.ToJson(), CorrespondenceModel.FromCounts(parts[1], new CorrespondenceOptions()).ToJson());
        Assert.Throws<ArgumentException>(() => parts[1].Merge(new CorrespondenceCounts(TypeLevel.L2)));
    }

    [Fact]
    public void MaxTagsPerTypeKeepsTheHeaviestTags()
    {
        var model = CorrespondenceModel.Fit(Samples(200), new CorrespondenceOptions { MaxTagsPerType = 3 });
        var full = CorrespondenceModel.Fit(Samples(200), new CorrespondenceOptions { MaxTagsPerType = 0 });
        foreach (var type in model.Types)
        {
            var all = full.Types.Single(t => t.Type == type.Type);
            Assert.Equal(all.Tags.Take(3), type.Tags);
            Assert.Equal(all.Tags.Count, type.DistinctTags);
        }
    }

    [Fact]
    public void RawRamScoresAndConfidencesScoreAlike()
    {
        var confidences = Planted.Score([("dog", 0.9), ("cat", 0.6), ("person", 0.3)]);
        var raw = Planted.Score([("Dog", 9.0), ("cat", 6.0), ("person", 3.0), ("dog", 1.0), ("  ", 5.0), ("grass", 0.0)]);
        Assert.Equal(confidences.Select(s => s.Type), raw.Select(s => s.Type));
        Assert.All(confidences.Zip(raw), p => Assert.Equal(p.First.Score, p.Second.Score, 12));
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Planted.Score([("dog", double.NaN)])).Message);
        Assert.Empty(Planted.Score([]));
    }

    [Fact]
    public void ScoresAreCosinesWhenEveryWeightIsKept()
    {
        var model = CorrespondenceModel.Fit(Samples(200), new CorrespondenceOptions { MaxTagsPerType = 0 });
        var ocr = model.Types.Single(t => t.Type == Ocr);
        var image = ocr.Tags.Select(t => (t.Tag, t.Weight * 7)).ToList(); // the type's own profile, at another scale
        var best = model.Score(image)[0];
        Assert.Equal(Ocr, best.Type);
        Assert.Equal(1.0, best.Score, 12);
    }

    [Fact]
    public void UnscoredTagsCountAsSureAsTheSurestTag()
    {
        var sample = Tagged(["menu", "text"]);
        Assert.Equal([("menu", 1.0), ("text", 1.0)], CorrespondenceModel.TagsOf(sample));
        sample.ImageTags[1] = new ImageTag("text", 4.0, "ram++");
        sample.ImageTags.Add(new ImageTag("sign", 2.0, "ram++"));
        Assert.Equal([("menu", 4.0), ("text", 4.0), ("sign", 2.0)], CorrespondenceModel.TagsOf(sample));
    }

    [Fact]
    public void BadOptionsAreRefusedByName()
    {
        Assert.Contains("min-support", Assert.Throws<ArgumentException>(() => CorrespondenceModel.Fit([], new CorrespondenceOptions { MinSupport = 0 })).Message);
        Assert.Throws<ArgumentException>(() => CorrespondenceModel.Fit([], new CorrespondenceOptions { MaxTagsPerType = -1 }));
        Assert.Throws<ArgumentException>(() => CorrespondenceModel.FromCounts(new CorrespondenceCounts(TypeLevel.L2), new CorrespondenceOptions()));
        var empty = CorrespondenceModel.Fit([], new CorrespondenceOptions());
        Assert.Equal(0, empty.Documents);
        Assert.Empty(empty.Score(Tags("menu")));
    }
}

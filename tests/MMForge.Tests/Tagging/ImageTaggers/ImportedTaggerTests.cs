using MMForge.Filters;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Vocabulary;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.ImageTaggers;

public class ImportedTaggerTests
{
    /// <summary>Infinity-MM records as published: RAM++ tags with their raw scores (up to about 10).</summary>
    private static readonly string[] Records =
    [
        """{"id": "10", "source": "llava", "conversations": [{"from": "human", "value": "<image>\nWhat is this?"}, {"from": "gpt", "value": "A hill."}], "image": "llava/10.jpg", "ram++_tags": ["wall", "hill", "sky", "Dog", "flux capacitor", "hill", "green"], "ram++_tags_score": [9.56, 2.37, 1.39, 1.4, 5.0, 3.1, 0.2], "qw2vl_loss": 3.0559}""",
        """{"id": "11", "source": "llava", "conversations": [{"from": "human", "value": "<image>\nWhat is this?"}, {"from": "gpt", "value": "Cars."}], "image": "llava/11.jpg", "ram++_tags": ["car", "traffic lights"]}""",
        """{"id": "12", "source": "llava", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello."}], "qw2vl_loss": 1.5}""",
    ];

    [Fact]
    public void KeepsTagsScoredAtLeast1Point4MappedOntoTheVocabulary()
    {
        var samples = ReadRecords();
        var counts = new TaggingCounts();
        var tagger = new ImportedTagger(RamVocabulary.Default);

        Assert.Equal(
            [new ImageTag("wall", 9.56, "ram++"), new ImageTag("hill", 3.1, "ram++"), new ImageTag("dog", 1.4, "ram++")],
            tagger.Tag(samples[0], RuleContext.NoImageFiles, counts));
        Assert.Equal(2, counts.BelowThreshold); // sky 1.39, green 0.2
        Assert.Equal(1, counts.Unknown);
        Assert.Equal([new KeyValuePair<string, long>("flux capacitor", 1)], counts.UnknownWords);
    }

    [Fact]
    public void TagsWithoutScoresAreKeptUnscored()
    {
        var tags = new ImportedTagger(RamVocabulary.Default).Tag(ReadRecords()[1], RuleContext.NoImageFiles, new TaggingCounts());
        Assert.Equal([new ImageTag("car", null, "ram++"), new ImageTag("traffic light", null, "ram++")], tags);
    }

    [Fact]
    public void SamplesWithoutImportedTagsGetNone()
    {
        var counts = new TaggingCounts();
        var tagger = new ImportedTagger(RamVocabulary.Default);
        var sample = ReadRecords()[2];
        sample.ImageTags.Add(new ImageTag("dog", 1.0, TextTagger.Tagger)); // another tagger's tags are not imported
        Assert.Empty(tagger.Tag(sample, RuleContext.NoImageFiles, counts));
        Assert.Equal(1, counts.Samples);
        Assert.Equal(0, counts.Kept + counts.BelowThreshold + counts.Unknown);
    }

    [Fact]
    public void MinimumScoreIsConfigurable()
    {
        var all = new ImportedTagger(RamVocabulary.Default, minScore: 0).Tag(ReadRecords()[0], RuleContext.NoImageFiles, new TaggingCounts());
        Assert.Equal(["wall", "hill", "sky", "dog", "green"], all.Select(t => t.Tag));
        var strict = new ImportedTagger(RamVocabulary.Default, minScore: 5).Tag(ReadRecords()[0], RuleContext.NoImageFiles, new TaggingCounts());
        Assert.Equal(["wall"], strict.Select(t => t.Tag));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImportedTagger(RamVocabulary.Default, double.NaN));
    }

    /// <summary>The records through the real reader: JSON Lines detection and the infinity-mm codec.</summary>
    private static List<Sample> ReadRecords()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("infinity.jsonl");
        File.WriteAllLines(path, Records);
        var read = Read.All(path);
        Assert.Empty(read.Errors);
        Assert.All(read.Sources, s => Assert.Equal("infinity-mm", s.Codec.Name));
        return read.Samples;
    }
}

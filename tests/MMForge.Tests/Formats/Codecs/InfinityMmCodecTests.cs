using MMForge.Records;
using MMForge.Tests.Support;
using static MMForge.Tests.Formats.Codecs.CodecRecords;

namespace MMForge.Tests.Formats.Codecs;

public class InfinityMmCodecTests
{
    private const string Record =
        """{"id": "10", "source": "llava", "conversations": [{"from": "human", "value": "<image>\nWhat is this?"}, {"from": "gpt", "value": "A hill."}], "image": "llava/10.jpg", "ram++_tags": ["wall", "hill"], "ram++_tags_score": [9.56, 2.37], "phash": [12512305226191801180], "qw2vl_loss": 3.0559, "source_file": "llava_665k.json"}""";

    [Fact]
    public void RecordMapsToUnifiedFields()
    {
        Assert.Equal("infinity-mm", Detect(Record));
        var s = Decode("infinity-mm", Record);
        Assert.Equal("llava", s.Source);
        Assert.Equal(12512305226191801180UL, Assert.Single(s.Images).Phash);
        Assert.Equal([new ImageTag("wall", 9.56, "ram++"), new ImageTag("hill", 2.37, "ram++")], s.ImageTags);
        Assert.Equal(3.0559, s.Scores["qw2vl_loss"]);
        Assert.Equal("\"llava_665k.json\"", s.Extra.Get("source_file"));
        Assert.Single(s.Extra);
    }

    [Fact]
    public void PhashAboveLongMaxSurvivesWritingAndReadingExactly()
    {
        using var dir = TestPaths.NewTempDir();
        var path = dir.File("infinity.jsonl");
        File.WriteAllText(path, Record + "\n");
        var first = Assert.Single(Read.All(path, "infinity-mm").Samples);
        var encoded = Encode("infinity-mm", first);
        Assert.Contains("\"phash\":[12512305226191801180]", encoded);
        Assert.Contains("\"ram++_tags_score\":[9.56,2.37]", encoded);
        var again = Decode("infinity-mm", encoded);
        Assert.Equal(12512305226191801180UL, again.Images[0].Phash);
        first.Provenance = new();
        Assert.Equal(Read.Canonical(first), Read.Canonical(again));
    }

    [Fact]
    public void TextOnlySampleKeepsPhashAsExtra()
    {
        var s = Decode("infinity-mm", """{"id": "1", "conversations": [], "phash": [12512305226191801180]}""");
        Assert.Empty(s.Images);
        Assert.Equal("[12512305226191801180]", s.Extra.Get("phash"));
        Assert.Contains("\"phash\":[12512305226191801180]", Encode("infinity-mm", s));
    }

    [Fact]
    public void BadPhashAndMismatchedScoresAreRejectedNamingTheField()
    {
        Assert.Contains("phash[0]", Reject("infinity-mm", """{"image": "a.jpg", "conversations": [], "phash": [-1]}""").Reason);
        Assert.Contains("ram++_tags_score", Reject("infinity-mm", """{"conversations": [], "ram++_tags": ["a"], "ram++_tags_score": [1, 2]}""").Reason);
        Assert.Contains("qw2vl_loss", Reject("infinity-mm", """{"conversations": [], "qw2vl_loss": "low"}""").Reason);
    }

    [Fact]
    public void PlainLlavaRecordIsNotInfinityMm() =>
        Assert.Equal("llava", Detect("""{"id": "1", "image": "a.jpg", "conversations": [], "source": "x"}"""));
}

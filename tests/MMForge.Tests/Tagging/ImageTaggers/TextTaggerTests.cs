using MMForge.Filters;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Vocabulary;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.ImageTaggers;

public class TextTaggerTests
{
    private static readonly TextTagger Tagger = new(RamVocabulary.Default);

    private static string CapsBoxes => TestPaths.Sample("LLaVA", "llava", "eval", "table", "caps_boxes_coco2014_val_80.jsonl");

    [Fact]
    public void EveryBoxCategoryOfTheCocoCaptionFileIsTaggedWithTheBoxScore()
    {
        var samples = Read.All(CapsBoxes).Samples;
        Assert.Equal(80, samples.Count);
        var counts = new TaggingCounts();
        foreach (var sample in samples)
        {
            var tags = Tagger.Tag(sample, RuleContext.NoImageFiles, counts).ToDictionary(t => t.Tag, t => t.Score);
            foreach (var category in sample.Annotations!.Boxes.Select(b => b.Category).Distinct())
            {
                var tag = RamVocabulary.Default.Resolve(category);
                Assert.True(tag is not null, $"{sample.Id}: box category \"{category}\" names no tag");
                Assert.Equal(TextTagger.BoxScore, tags[tag.Name]);
            }
            Assert.All(tags.Keys, t => Assert.Equal(RamVocabulary.Default.Get(t)?.Name, t));
        }
        Assert.Equal(80, counts.Samples);
        Assert.Equal(0, counts.Unknown);
        Assert.Equal(0, counts.BelowThreshold);
    }

    [Fact]
    public void HandCheckedRecordsOfTheCocoCaptionFile()
    {
        var samples = Read.All(CapsBoxes).Samples.ToDictionary(s => s.Id);

        // boxes: tie, apple, book, teddy bear. Captions: "an apple sunglasses books and a teddy bear", "...on a table..."
        var desk = Tags(samples["000000151358"]);
        Assert.Equal(new Dictionary<string, double?> { ["tie"] = 1.0, ["apple"] = 1.0, ["book"] = 1.0, ["teddy"] = 1.0 }, Best(desk, 1.0));
        Assert.Equal(0.8, desk["sunglasses"]);
        Assert.Equal(0.8, desk["table"]);
        Assert.DoesNotContain("bear", desk.Keys); // a teddy bear is not a bear

        // boxes: donut x10; captions say "donuts" and "doughnuts": one tag, with the box's score
        var shop = Tags(samples["000000296284"]);
        Assert.Equal(1.0, shop["donut"]);
        Assert.Equal(0.8, shop["bakery"]);

        // boxes: dining table, couch, remote, chair. Caption: "a couch, table, lamp and a chaise"
        var room = Tags(samples["000000543364"]);
        Assert.Equal(new Dictionary<string, double?> { ["table"] = 1.0, ["couch"] = 1.0, ["remote"] = 1.0, ["chair"] = 1.0 }, Best(room, 1.0));
        Assert.Equal(0.8, room["lamp"]);
        Assert.Equal(0.8, room["living room"]);
        Assert.DoesNotContain("table lamp", room.Keys); // a comma ends a phrase

        // boxes: car, parking meter, truck. Captions: "two parking meters", "a black car"
        var street = Tags(samples["000000097131"]);
        Assert.Equal(1.0, street["parking meter"]);
        Assert.DoesNotContain("meter", street.Keys);
        Assert.Equal(0.8, street["curb"]);
    }

    [Fact]
    public void AnswersAreTaggedAndQuestionsAreNot()
    {
        // coco2014_val_gpt4_qa_30x3.jsonl: "What is the position of the skateboard in the image?" ->
        // "The skateboard in the image is in an upside-down position, with its wheels pointing up and laying on the ground."
        var qa = Read.All(TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl")).Samples;
        Assert.Equal(new Dictionary<string, double?> { ["skateboard"] = 0.5, ["wheel"] = 0.5 }, Tags(qa[0]));

        var asked = Dialogue(("human", "Is there a cat next to the dog?"), ("gpt", "No, there is only a dog."));
        Assert.Equal(new Dictionary<string, double?> { ["dog"] = TextTagger.AnswerScore }, Tags(asked));
    }

    [Fact]
    public void WordsAboutThePictureOrTheSentenceAreNotTags()
    {
        var sample = Dialogue(("gpt", "In this image you can see the scene of a dog lined up with other dogs, as well as a photo on the back side."));
        Assert.Equal(["dog"], Tags(sample).Keys);
    }

    [Fact]
    public void ChineseCaptionsAreTagged()
    {
        // coco-cn_test.json, first image: "机场跑道的喷气式飞机正准备起飞。" (a jet on the airport runway is about to take off)
        var first = Read.All(TestPaths.Sample("InternVL", "coco-cn_test.json")).Samples[0];
        Assert.Equal(new Dictionary<string, double?> { ["airport runway"] = 0.8, ["jet"] = 0.8, ["takeoff"] = 0.8 }, Tags(first));
    }

    [Fact]
    public void EachTagKeepsItsBestScore()
    {
        var sample = Dialogue(("human", "What is this?"), ("gpt", "A cat and a dog on a sofa."));
        sample.Text = "A dog on a couch.";
        sample.Annotations = new Annotations();
        sample.Annotations.Captions.Add("A cat sleeping.");
        sample.Annotations.Boxes.Add(new Box("dog", [0, 0, 1, 1], BoxFormat.XyxyNormalized));
        var tags = Tagger.Tag(sample, RuleContext.NoImageFiles, new TaggingCounts());
        Assert.Equal([new ImageTag("dog", 1.0, "text"), new ImageTag("cat", 0.8, "text"), new ImageTag("couch", 0.7, "text")], tags);
    }

    [Fact]
    public void UnknownBoxCategoriesAreCountedByName()
    {
        var sample = new Sample { Annotations = new Annotations() };
        foreach (var category in new[] { "flux capacitor", "dog", "flux capacitor", "" })
            sample.Annotations.Boxes.Add(new Box(category, [0, 0, 1, 1], BoxFormat.XyxyNormalized));
        var counts = new TaggingCounts();
        Assert.Equal(["dog"], Tagger.Tag(sample, RuleContext.NoImageFiles, counts).Select(t => t.Tag));
        Assert.Equal(3, counts.Unknown);
        Assert.Equal([new("flux capacitor", 2L), new KeyValuePair<string, long>("", 1L)], counts.UnknownWords);
        Assert.Equal(1, counts.Kept);
    }

    [Fact]
    public void TaggingFromManyThreadsGivesTheSameTags()
    {
        var samples = Read.All(CapsBoxes).Samples;
        var sequential = samples.Select(s => Tagger.Tag(s, RuleContext.NoImageFiles, new TaggingCounts())).ToList();
        var counts = new TaggingCounts();
        var parallel = new IReadOnlyList<ImageTag>[samples.Count];
        Parallel.For(0, samples.Count * 20, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i % samples.Count] = Tagger.Tag(samples[i % samples.Count], RuleContext.NoImageFiles, counts));
        Assert.Equal(sequential, parallel);
        Assert.Equal(samples.Count * 20, counts.Samples);
        Assert.Equal(sequential.Sum(t => t.Count) * 20, counts.Kept);
    }

    private static Dictionary<string, double?> Tags(Sample sample) =>
        Tagger.Tag(sample, RuleContext.NoImageFiles, new TaggingCounts()).ToDictionary(t => t.Tag, t => t.Score);

    private static Dictionary<string, double?> Best(Dictionary<string, double?> tags, double score) =>
        tags.Where(t => t.Value == score).ToDictionary();

    private static Sample Dialogue(params (string Role, string Value)[] turns)
    {
        var sample = new Sample { Id = "t" };
        foreach (var (role, value) in turns) sample.Turns.Add(new Turn(role, value));
        return sample;
    }
}

using MMForge.Tagging.Vocabulary;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.Vocabulary;

public class RamVocabularyTests
{
    private static RamVocabulary Vocabulary => RamVocabulary.Default;

    private static string SharedVocabulary => Path.Combine(TestPaths.Shared, "vocab", "ram");

    [Fact]
    public void EmbeddedListsHoldTheOfficial4585TagsInOrder()
    {
        Assert.Equal(4585, Vocabulary.Count);
        Assert.All(Vocabulary.Tags.Select((t, i) => (t, i)), x => Assert.Equal(x.i, x.t.Index));
        Assert.Equal(new RamTag(0, "3D CG rendering", "三维CG渲染", 0.65), Vocabulary.Tags[0]);
        Assert.Equal("zoo", Vocabulary.Tags[^1].Name); // the last line, which has no newline
        Assert.Equal("算盘", Vocabulary.Get("abacus")!.ChineseName); // trailing spaces of the Chinese list trimmed
        Assert.Equal(0.45, Vocabulary.Tags.Min(t => t.Threshold));
        Assert.Equal(1.0, Vocabulary.Tags.Max(t => t.Threshold));
        Assert.Equal(3414, Vocabulary.Tags.Count(t => t.Threshold == 0.65));
    }

    [Fact]
    public void LoadingTheSharedDirectoryGivesTheEmbeddedVocabulary()
    {
        var loaded = RamVocabulary.Load(SharedVocabulary);
        Assert.Equal(Vocabulary.Tags, loaded.Tags);
    }

    [Fact]
    public void ListsOfDifferentLengthsAreRefusedNamingTheCounts()
    {
        using var dir = CopyOfSharedLists();
        var chinese = dir.File(RamVocabulary.ChineseFile);
        File.WriteAllLines(chinese, File.ReadAllLines(chinese)[..^1]);
        var error = Assert.Throws<InvalidDataException>(() => RamVocabulary.Load(dir.Path));
        Assert.Contains("ram_tag_list.txt has 4585 lines, ram_tag_list_chinese.txt 4584 and ram_tag_list_threshold.txt 4585", error.Message);
    }

    [Fact]
    public void BadThresholdsEmptyNamesAndDuplicatesAreRefusedNamingTheLine()
    {
        Assert.Contains("ram_tag_list_threshold.txt line 3: \"high\"", RejectEdited(RamVocabulary.ThresholdFile, 2, "high"));
        Assert.Contains("ram_tag_list_threshold.txt line 3: \"1.5\"", RejectEdited(RamVocabulary.ThresholdFile, 2, "1.5"));
        Assert.Contains("ram_tag_list.txt line 5 is empty", RejectEdited(RamVocabulary.EnglishFile, 4, " "));
        Assert.Contains("ram_tag_list.txt line 2: \"3D CG Rendering\" is listed twice", RejectEdited(RamVocabulary.EnglishFile, 1, "3D CG Rendering"));
    }

    [Theory]
    [InlineData("dog", "dog")]
    [InlineData("  Dog! ", "dog")]
    [InlineData("\"DOGS\",", "dog")]
    [InlineData("buses", "bus")]
    [InlineData("bus", "bus")]
    [InlineData("grass", "grass")]
    [InlineData("glasses", "glasses")]
    [InlineData("boxes", "box")]
    [InlineData("cherries", "cherry")]
    [InlineData("knives", "knife")]
    [InlineData("leaves", "leaf")]
    [InlineData("shelves", "shelf")]
    [InlineData("tomatoes", "tomato")]
    [InlineData("potatoes", "potato")]
    [InlineData("people", "person")]
    [InlineData("persons", "person")]
    [InlineData("men", "man")]
    [InlineData("women", "woman")]
    [InlineData("children", "child")]
    [InlineData("mice", "mouse")]
    [InlineData("geese", "goose")]
    [InlineData("feet", "foot")]
    [InlineData("firemen", "fireman")]
    [InlineData("snowmen", "snowman")]
    [InlineData("giraffes", "giraffe")]
    [InlineData("skis", "ski")]
    [InlineData("French fries", "French fries")]
    [InlineData("T-shirt", "t shirt")] // RAM++ lists "t shirt" and "t-shirt": one spelling, so the first
    [InlineData("t shirts", "t shirt")]
    [InlineData("Rubik's cube", "rubik's cube")]
    [InlineData("child's room", "childs room")]
    public void PhrasesResolveIgnoringCasePunctuationAndNumber(string phrase, string? tag) =>
        Assert.Equal(tag, Vocabulary.Resolve(phrase)?.Name);

    [Theory]
    [InlineData("Traffic Lights", "traffic light")]
    [InlineData("hot dogs", "hot dog")]
    [InlineData("teddy bear", "teddy")]
    [InlineData("teddy bears", "teddy")]
    [InlineData("polar bears", "polar bear")]
    [InlineData("roller skate", "roller skate")] // RAM++ lists both spellings as two tags: each keeps its own
    [InlineData("roller skates", "roller skates")]
    [InlineData("sport equipment", "sport equipment")]
    public void MultiWordTagsResolveWithTheirPlurals(string phrase, string tag) =>
        Assert.Equal(tag, Vocabulary.Resolve(phrase)?.Name);

    [Theory]
    [InlineData("tv", "television")]
    [InlineData("TVs", "television")]
    [InlineData("cellphone", "phone")]
    [InlineData("cell phone", "phone")]
    [InlineData("mobile phones", "phone")]
    [InlineData("aeroplane", "plane")]
    [InlineData("airplanes", "plane")]
    [InlineData("plane", "plane")]
    [InlineData("sofa", "couch")]
    [InlineData("couches", "couch")]
    [InlineData("bike", "bicycle")]
    [InlineData("motorbike", "motorbike")] // a RAM++ tag of its own, beside "motorcycle": a tag is never a synonym
    [InlineData("motorcycle", "motorcycle")]
    [InlineData("doughnuts", "donut")]
    [InlineData("kids", "child")]
    public void SynonymsResolveToTheRamTag(string phrase, string tag) =>
        Assert.Equal(tag, Vocabulary.Resolve(phrase)?.Name);

    [Theory]
    [InlineData("猫", "cat")]
    [InlineData("红绿灯", "traffic light")]
    [InlineData("桌子", "table")] // "桌子/表格": either alternative
    [InlineData("表格", "table")]
    [InlineData("茎", "stem")]    // "（花草的）茎": the qualifier is not part of the name
    [InlineData("3D眼镜", "3D glasses")]
    [InlineData("摩托车", "motorbike")] // shared by motorbike and motorcycle: the first in list order
    public void ChineseNamesResolveToTheSameTag(string phrase, string tag) =>
        Assert.Equal(tag, Vocabulary.Resolve(phrase)?.Name);

    [Theory]
    [InlineData("")]
    [InlineData("  ,. ")]
    [InlineData("glass")]        // not a tag; "glasses" (eyewear) is, and "glass" is not its singular
    [InlineData("dog bus")]      // two tags are not one phrase
    [InlineData("the dog's")]    // nor is a tag inside a longer phrase
    [InlineData("hot, dog")]     // punctuation between words ends a phrase
    public void OtherPhrasesResolveToNothing(string phrase) => Assert.Null(Vocabulary.Resolve(phrase));

    [Fact]
    public void FindTakesTheLongestPhraseAtEachPosition()
    {
        var found = Names("A man rides a motorbike past Traffic-Lights, next to a hot dog stand and two teddy bears.");
        Assert.Equal(["man", "ride", "motorbike", "traffic light", "hot dog", "stand", "teddy"], found);
    }

    [Fact]
    public void PunctuationEndsAPhraseButHyphensDoNot() =>
        Assert.Equal(["couch", "table", "lamp", "table lamp", "hot dog"], Names("a couch, table; lamp and a table-lamp by the hot-dog"));

    [Fact]
    public void FindListsEachTagOnceInOrderOfFirstMention() =>
        Assert.Equal(["dog", "cat"], Names("dogs, a cat, another dog; the cats and the dog"));

    [Fact]
    public void FindMentionsKeepsEveryMention()
    {
        var mentions = new List<RamTag>();
        Vocabulary.FindMentions("dogs, a cat, another dog", mentions);
        Assert.Equal(["dog", "cat", "dog"], mentions.Select(t => t.Name));
    }

    [Fact]
    public void FindReadsChineseRunningText() =>
        Assert.Equal(["table", "abacus", "cat"], Names("桌子上有一个算盘和一只猫。"));

    [Fact]
    public void FindDoesNotMatchInsideWords() =>
        Assert.Empty(Names("catalogue dogma buster"));

    [Fact]
    public void FindSurvivesHostileText()
    {
        Assert.Empty(Names(""));
        Assert.Empty(Names(new string('x', 100_000)));
        Assert.Equal(["dog"], Names(new string('x', 100) + " dog \uD800 \u0000"));
        Assert.Equal(["dog"], Names(string.Concat(Enumerable.Repeat("dog ", 50_000))));
    }

    [Fact]
    public void EveryTagNameResolvesToItselfUnlessRamListsTheSameSpellingTwice()
    {
        var others = Vocabulary.Tags.Where(t => Vocabulary.Resolve(t.Name) != t).Select(t => $"{t.Name} -> {Vocabulary.Resolve(t.Name)?.Name}");
        Assert.Equal(["t-shirt -> t shirt"], others);
    }

    [Fact]
    public void SynonymTableMapsOnlyNonTagsOntoTags()
    {
        foreach (var (phrase, tag) in TagSynonyms.All)
        {
            Assert.Null(Vocabulary.Get(phrase));
            Assert.NotNull(Vocabulary.Get(tag));
            Assert.Equal(tag, Vocabulary.Resolve(phrase)?.Name);
        }
    }

    /// <summary>COCO's 80 category names and the RAM++ tag each means.</summary>
    public static TheoryData<string, string> CocoCategories => new()
    {
        { "person", "person" }, { "bicycle", "bicycle" }, { "car", "car" }, { "motorcycle", "motorcycle" },
        { "airplane", "plane" }, { "bus", "bus" }, { "train", "train" }, { "truck", "truck" }, { "boat", "boat" },
        { "traffic light", "traffic light" }, { "fire hydrant", "hydrant" }, { "stop sign", "stop sign" },
        { "parking meter", "parking meter" }, { "bench", "bench" }, { "bird", "bird" }, { "cat", "cat" },
        { "dog", "dog" }, { "horse", "horse" }, { "sheep", "sheep" }, { "cow", "cow" }, { "elephant", "elephant" },
        { "bear", "bear" }, { "zebra", "zebra" }, { "giraffe", "giraffe" }, { "backpack", "backpack" },
        { "umbrella", "umbrella" }, { "handbag", "handbag" }, { "tie", "tie" }, { "suitcase", "luggage" },
        { "frisbee", "frisbee" }, { "skis", "ski" }, { "snowboard", "snowboard" }, { "sports ball", "sports ball" },
        { "kite", "kite" }, { "baseball bat", "baseball bat" }, { "baseball glove", "baseball glove" },
        { "skateboard", "skateboard" }, { "surfboard", "surfboard" }, { "tennis racket", "tennis racket" },
        { "bottle", "bottle" }, { "wine glass", "wine glass" }, { "cup", "cup" }, { "fork", "fork" },
        { "knife", "knife" }, { "spoon", "spoon" }, { "bowl", "bowl" }, { "banana", "banana" }, { "apple", "apple" },
        { "sandwich", "sandwich" }, { "orange", "orange" }, { "broccoli", "broccoli" }, { "carrot", "carrot" },
        { "hot dog", "hot dog" }, { "pizza", "pizza" }, { "donut", "donut" }, { "cake", "cake" }, { "chair", "chair" },
        { "couch", "couch" }, { "potted plant", "houseplant" }, { "bed", "bed" }, { "dining table", "table" },
        { "toilet", "toilet bowl" }, { "tv", "television" }, { "laptop", "laptop" }, { "mouse", "mouse" },
        { "remote", "remote" }, { "keyboard", "keyboard" }, { "cell phone", "phone" }, { "microwave", "microwave" },
        { "oven", "oven" }, { "toaster", "toaster" }, { "sink", "sink" }, { "refrigerator", "fridge" },
        { "book", "book" }, { "clock", "clock" }, { "vase", "vase" }, { "scissors", "scissors" },
        { "teddy bear", "teddy" }, { "hair drier", "hair drier" }, { "toothbrush", "toothbrush" },
    };

    [Fact]
    public void TheCocoListHasAll80Categories() => Assert.Equal(80, CocoCategories.Count);

    [Theory]
    [MemberData(nameof(CocoCategories))]
    public void EveryCocoCategoryResolves(string category, string tag) =>
        Assert.Equal(tag, Vocabulary.Resolve(category)?.Name);

    private static List<string> Names(string text) => [.. Vocabulary.Find(text).Select(t => t.Name)];

    private static TempDir CopyOfSharedLists()
    {
        var dir = TestPaths.NewTempDir();
        foreach (var file in new[] { RamVocabulary.EnglishFile, RamVocabulary.ChineseFile, RamVocabulary.ThresholdFile })
            File.Copy(Path.Combine(SharedVocabulary, file), dir.File(file));
        return dir;
    }

    private static string RejectEdited(string file, int line, string replacement)
    {
        using var dir = CopyOfSharedLists();
        var lines = File.ReadAllLines(dir.File(file));
        lines[line] = replacement;
        File.WriteAllLines(dir.File(file), lines);
        return Assert.Throws<InvalidDataException>(() => RamVocabulary.Load(dir.Path)).Message;
    }
}

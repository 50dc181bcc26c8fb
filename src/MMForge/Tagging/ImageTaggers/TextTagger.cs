using MMForge.Filters;
using MMForge.Records;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Tagging.ImageTaggers;

/// <summary>
/// Tags an image with the vocabulary tags its sample's text names, without a model. The score
/// says how sure the source is that the thing is in the image:
/// <list type="bullet">
/// <item><see cref="BoxScore"/> 1.0: a box category (COCO-style annotations): a person drew it around the object.</item>
/// <item><see cref="CaptionScore"/> 0.8: a human caption (<see cref="Annotations.Captions"/>) describes what is visible, though loosely.</item>
/// <item><see cref="TextScore"/> 0.7: the sample's plain text (<see cref="Sample.Text"/>), usually a caption, sometimes a document around the image.</item>
/// <item><see cref="AnswerScore"/> 0.5: an answer (gpt turn) can name things to deny them ("there is no dog") or reason beyond the image.</item>
/// </list>
/// Human questions are not read: a question can name what is not in the image ("Is there a cat?"),
/// and benchmarks and synthetic data ask such questions on purpose. A tag named in several places
/// keeps its best score. In free text, tags that are nearly always another word there are ignored
/// (<see cref="FreeTextStopTags"/>: "the image shows", "you can see"); a box category is always
/// taken. Box categories the vocabulary does not know are counted as unknown.
/// </summary>
public sealed class TextTagger : IImageTagger
{
    public const string Tagger = "text";
    public const double BoxScore = 1.0;
    public const double CaptionScore = 0.8;
    public const double TextScore = 0.7;
    public const double AnswerScore = 0.5;

    /// <summary>
    /// RAM++ tags that running text uses as other words: about the picture itself ("in this image",
    /// "the scene"), about the sentence ("the type of", "on the left side"), or as verbs and
    /// particles ("you can see", "lined up", "as well"), where RAM++ means a tin can or a water well.
    /// </summary>
    public static IReadOnlyList<string> FreeTextStopTags { get; } =
    [
        "image", "picture", "photo", "scene", "frame", "thing", "type", "style", "number", "area", "side", "back", "color", "point", "set",
        "up", "out", "can", "well", "use", "show", "make", "take", "see", "go", "give", "place", "move", "lie", "fill", "short", "appear",
    ];

    private static readonly double[] Scores = [BoxScore, CaptionScore, TextScore, AnswerScore];

    /// <summary>Mentions found in one text, reused per thread: tagging allocates only the returned list.</summary>
    [ThreadStatic] private static List<RamTag>? mentionsBuffer;

    private readonly RamVocabulary vocabulary;
    private readonly bool[] stopTags;
    private readonly ImageTag[][] imageTags; // per score level, per tag index: the immutable results, made once

    public TextTagger(RamVocabulary vocabulary)
    {
        this.vocabulary = vocabulary;
        stopTags = new bool[vocabulary.Count];
        foreach (var name in FreeTextStopTags)
            if (vocabulary.Get(name) is { } tag) stopTags[tag.Index] = true;
        imageTags = [.. Scores.Select(score => vocabulary.Tags.Select(t => new ImageTag(t.Name, score, Tagger)).ToArray())];
    }

    public string By => Tagger;

    public IReadOnlyList<ImageTag> Tag(Sample sample, RuleContext context, TaggingCounts counts)
    {
        // sources in decreasing score, so the first time a tag is seen is its best score
        var tags = new List<ImageTag>();
        if (sample.Annotations is { } annotations)
        {
            foreach (var box in annotations.Boxes)
            {
                if (vocabulary.Resolve(box.Category) is { } tag) Add(tags, tag, level: 0);
                else counts.AddUnknown(box.Category);
            }
            foreach (var caption in annotations.Captions) AddMentions(tags, caption, level: 1);
        }
        if (sample.Text is { } text) AddMentions(tags, text, level: 2);
        foreach (var turn in sample.Turns)
            if (turn.Role == Roles.Gpt) AddMentions(tags, turn.Value, level: 3);
        counts.AddSample(tags.Count, belowThresholdTags: 0);
        return tags;
    }

    private void AddMentions(List<ImageTag> tags, string text, int level)
    {
        var mentions = mentionsBuffer ??= [];
        mentions.Clear();
        vocabulary.FindMentions(text, mentions);
        foreach (var tag in mentions)
            if (!stopTags[tag.Index]) Add(tags, tag, level);
    }

    private void Add(List<ImageTag> tags, RamTag tag, int level)
    {
        var name = tag.Name;
        foreach (var existing in tags)
            if (ReferenceEquals(existing.Tag, name)) return;
        tags.Add(imageTags[level][tag.Index]);
    }
}

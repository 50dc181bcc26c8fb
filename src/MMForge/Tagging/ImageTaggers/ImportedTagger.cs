using MMForge.Filters;
using MMForge.Formats.Codecs;
using MMForge.Records;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Tagging.ImageTaggers;

/// <summary>
/// Keeps the RAM++ tags a record already carries (Infinity-MM's <c>ram++_tags</c> with their
/// <c>ram++_tags_score</c>, decoded by <see cref="InfinityMmCodec"/> with By "ram++"), so images
/// tagged upstream need no model. Tags scored under <see cref="MinScore"/> are dropped: the
/// published scores are raw model outputs reaching about 10, and the low ones are the
/// uncertain tags. A tag without a score is kept, unscored: RAM++ only lists a tag that passed
/// its own per-tag threshold. Each name is mapped onto the vocabulary (exactly, or through the
/// vocabulary's normalization); names it does not know are dropped and counted.
/// </summary>
public sealed class ImportedTagger : IImageTagger
{
    public const double DefaultMinScore = 1.4;

    private readonly RamVocabulary vocabulary;

    public ImportedTagger(RamVocabulary vocabulary, double minScore = DefaultMinScore)
    {
        if (!double.IsFinite(minScore)) throw new ArgumentOutOfRangeException(nameof(minScore), minScore, "a finite score");
        this.vocabulary = vocabulary;
        MinScore = minScore;
    }

    public double MinScore { get; }

    public string By => InfinityMmCodec.Tagger;

    public IReadOnlyList<ImageTag> Tag(Sample sample, RuleContext context, TaggingCounts counts)
    {
        var tags = new List<ImageTag>();
        var below = 0;
        foreach (var imported in sample.ImageTags)
        {
            if (imported.By != By) continue;
            if (imported.Score < MinScore)
            {
                below++;
                continue;
            }
            if ((vocabulary.Get(imported.Tag) ?? vocabulary.Resolve(imported.Tag)) is not { } tag)
            {
                counts.AddUnknown(imported.Tag);
                continue;
            }
            KeepBest(tags, new ImageTag(tag.Name, imported.Score, By));
        }
        counts.AddSample(tags.Count, below);
        return tags;
    }

    /// <summary>Adds <paramref name="tag"/>, or raises the score of the same tag already there (a record can list a tag twice).</summary>
    private static void KeepBest(List<ImageTag> tags, ImageTag tag)
    {
        var at = tags.FindIndex(t => t.Tag == tag.Tag);
        if (at < 0) tags.Add(tag);
        else if (tag.Score > tags[at].Score || tags[at].Score is null) tags[at] = tag;
    }
}

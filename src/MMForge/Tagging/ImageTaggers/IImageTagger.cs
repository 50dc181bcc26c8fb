using MMForge.Filters;
using MMForge.Records;

namespace MMForge.Tagging.ImageTaggers;

/// <summary>
/// Tags a sample's image with RAM++ vocabulary tags. Implementations are pure functions of the
/// sample and safe to call from many threads at once; they report what they could not use in
/// the shared <see cref="TaggingCounts"/>.
/// </summary>
public interface IImageTagger
{
    /// <summary>The <see cref="ImageTag.By"/> of the tags this tagger returns.</summary>
    string By { get; }

    /// <summary>
    /// The sample's tags, one per vocabulary tag with its best score, in a stable order.
    /// <paramref name="context"/> finds the sample's image files (checked against their roots
    /// before any rule runs) for taggers that look at the image.
    /// </summary>
    IReadOnlyList<ImageTag> Tag(Sample sample, RuleContext context, TaggingCounts counts);
}

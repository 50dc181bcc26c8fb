using MMForge.Filters;
using MMForge.Models;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Tagging.ModelTaggers;

/// <summary>
/// <see cref="VlmImageTagger"/> in the tag stage: the sample's first image is shown to the model,
/// as <see cref="ImageParts"/> prepares it (shrunk to <paramref name="maxImageSide"/>). Words that name no vocabulary tag are counted as
/// unknown. The call blocks its worker thread, so <c>--workers</c> sets how many run at once.
/// </summary>
public sealed class VlmSampleTagger(VlmImageTagger vlm, int maxImageSide) : IImageTagger
{
    public const string FailureRule = "tag-vlm";

    /// <summary>A tagger whose words are mapped onto <paramref name="vocabulary"/>.</summary>
    public static VlmSampleTagger For(ModelClient client, RamVocabulary vocabulary, int maxImageSide) =>
        new(new VlmImageTagger(client, word => vocabulary.Resolve(word)?.Name), maxImageSide);

    public string By => VlmImageTagger.By;

    public IReadOnlyList<ImageTag> Tag(Sample sample, RuleContext context, TaggingCounts counts)
    {
        if (sample.Images.Count == 0)
        {
            counts.AddSample(0, 0);
            return [];
        }
        VlmTagResult result;
        try
        {
            result = Ask(sample.Images[0], context).GetAwaiter().GetResult();
        }
        catch (ModelCallException e)
        {
            throw new ModelStepException(FailureRule, $"the vision model could not tag the image: {e.Message}", e);
        }
        foreach (var word in result.UnknownWords) counts.AddUnknown(word);
        counts.AddSample(result.Tags.Count, 0);
        return result.Tags;
    }

    private Task<VlmTagResult> Ask(ImageRef image, RuleContext context)
    {
        try
        {
            return vlm.TagAsync(ImageParts.For(image, context.ImageFile, maxImageSide));
        }
        catch (ImagePartException e)
        {
            throw new ModelStepException(FailureRule, e.Message, e);
        }
    }
}

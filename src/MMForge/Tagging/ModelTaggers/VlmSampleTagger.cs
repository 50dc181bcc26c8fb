using MMForge.Filters;
using MMForge.Media;
using MMForge.Models;
using MMForge.Records;
using MMForge.Tagging.ImageTaggers;
using MMForge.Tagging.Vocabulary;

namespace MMForge.Tagging.ModelTaggers;

/// <summary>
/// <see cref="VlmImageTagger"/> in the tag stage: the sample's first image is shown to the model,
/// from its embedded bytes, its URL, or its file as the stage resolves it (paths were checked not
/// to leave their root before any step runs), shrunk to <paramref name="maxImageSide"/> first
/// (<see cref="ImageShrinker"/>): models see a few hundred pixels a side, and a smaller request
/// is faster to send and to answer. Words that name no vocabulary tag are counted as
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
        if (image.Bytes is { } bytes) return Send(bytes);
        if (image.Path is { } path && ImagePathResolver.IsUrl(path)) return vlm.TagAsync(new Uri(path));
        var file = context.ImageFile(image) ?? throw new ModelStepException(FailureRule, $"image {image.Path} is under no known image root");
        try
        {
            return Send(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelStepException(FailureRule, $"image {file} cannot be read: {e.Message}", e);
        }
    }

    private Task<VlmTagResult> Send(byte[] image)
    {
        try
        {
            var (bytes, mediaType) = ImageShrinker.ForModel(image, maxImageSide);
            return vlm.TagAsync(bytes, mediaType);
        }
        catch (ImageDecodeException e)
        {
            throw new ModelStepException(FailureRule, $"the image cannot be prepared for the model: {e.Failure}: {e.Message}", e);
        }
    }
}

using MMForge.Records;

namespace MMForge.Media.VisualTokens;

/// <summary>
/// The visual tokens a sample's images cost the two model families this project targets, summed
/// over its images and stored on the sample by model name, so length statistics, the
/// <c>max-visual-tokens</c> filter and stage budgets need no second look at the images.
/// </summary>
public static class VisualTokenBudget
{
    /// <summary>LLaVA-OneVision AnyRes-Max-9, what Aquila-VL-2B (the Infinity-MM model) trained with.</summary>
    public const string LlavaOneVision = "llava-onevision";

    /// <summary>InternVL dynamic tiling with its training setting of at most 12 tiles plus the thumbnail.</summary>
    public const string InternVl = "internvl";

    public static IReadOnlyList<string> Models { get; } = [LlavaOneVision, InternVl];

    private static readonly AnyResTokens AnyRes = new();
    private static readonly InternVlTiling Tiling = new();

    public static int Tokens(string model, int width, int height) => model switch
    {
        LlavaOneVision => AnyRes.Count(width, height).Tokens,
        InternVl => Tiling.Tile(width, height).Tokens,
        _ => throw new ArgumentException($"unknown visual-token model '{model}'; models: {string.Join(", ", Models)}", nameof(model)),
    };

    /// <summary>Fills <see cref="Sample.VisualTokens"/> when every image's size is known; leaves it alone otherwise.</summary>
    public static void Record(Sample sample)
    {
        if (sample.Images.Count == 0 || sample.Images.Any(i => i.Width is not > 0 || i.Height is not > 0)) return;
        foreach (var model in Models)
            sample.VisualTokens[model] = sample.Images.Sum(i => Tokens(model, i.Width!.Value, i.Height!.Value));
    }
}

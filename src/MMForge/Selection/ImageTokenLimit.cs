using MMForge.Media.VisualTokens;
using MMForge.Records;

namespace MMForge.Selection;

/// <summary>
/// The visual tokens one image costs a training stage that limits LLaVA-OneVision's AnyRes
/// grid (METHOD.md section 1): grid 1 is the 384px base view alone (729 tokens); a grid of G
/// allows crops up to GxG with the crop features shrunk to <c>MaxViews - 1</c> views' worth
/// (AnyRes-Max-N with N = MaxViews - 1: the base view is one of the views), plus the base view.
/// </summary>
public sealed class ImageTokenLimit
{
    public const int TokensPerView = 729;
    public const int LargestGrid = 6;

    /// <summary>METHOD.md section 1: stage 1 one view; grids 2x2, 3x3, 4x4, 6x6 allow 5, 6, 7, 10 views.</summary>
    private static readonly Dictionary<int, int> DefaultViews = new() { [1] = 1, [2] = 5, [3] = 6, [4] = 7, [6] = 10 };

    /// <summary>What Aquila-VL-2B trained its last stages with (AnyRes-Max-9 over grids up to 6x6), for mixes that set no limit.</summary>
    public static ImageTokenLimit Unlimited { get; } = new(LargestGrid, null);

    private readonly AnyResTokens? _anyRes;

    public int MaxGrid { get; }
    public int MaxViews { get; }

    public ImageTokenLimit(int maxGrid, int? maxViews)
    {
        if (maxGrid is < 1 or > LargestGrid) throw new ArgumentException($"max_grid must be from 1 to {LargestGrid}, not {maxGrid}");
        MaxGrid = maxGrid;
        MaxViews = maxViews ?? (DefaultViews.TryGetValue(maxGrid, out var views) ? views
            : throw new ArgumentException($"max_grid {maxGrid} has no default max_views (METHOD.md gives 1, 2, 3, 4 and 6); set max_views"));
        if (MaxViews < 1) throw new ArgumentException($"max_views must be at least 1, not {MaxViews}");
        if (maxGrid == 1 && MaxViews != 1) throw new ArgumentException("max_grid 1 is the base view alone: max_views must be 1");
        if (maxGrid > 1 && MaxViews < 2) throw new ArgumentException($"max_grid {maxGrid} uses crops besides the base view: max_views must be at least 2");
        _anyRes = maxGrid == 1 ? null : new AnyResTokens(maxViews: MaxViews - 1, gridMax: maxGrid);
    }

    /// <summary>
    /// Tokens of one image. An image whose size is unknown (not hashed) counts as the limit's
    /// nominal allowance, <c>MaxViews x 729</c>, rather than as nothing: a budget should not fill
    /// up with images it cannot measure (a measured image may cost a little more: AnyRes adds a
    /// newline token per feature row and shrinks only maps over 1.1 times the allowance).
    /// </summary>
    public int Tokens(ImageRef image) =>
        _anyRes is null ? TokensPerView
        : image is { Width: > 0, Height: > 0 } ? _anyRes.Count(image.Width.Value, image.Height.Value).Tokens
        : MaxViews * TokensPerView;

    public long Tokens(Sample sample)
    {
        long total = 0;
        foreach (var image in sample.Images) total += Tokens(image);
        return total;
    }
}

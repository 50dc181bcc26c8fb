namespace MMForge.Media.VisualTokens;

/// <summary>The visual tokens LLaVA-OneVision spends on one image, and how it got there.</summary>
public sealed record AnyResResult(int GridColumns, int GridRows, int FeatureHeight, int FeatureWidth, int Tokens);

/// <summary>
/// LLaVA-OneVision's AnyRes-Max-N token count (what Aquila-VL-2B trains with: SigLIP at 384px,
/// 27x27 = 729 tokens per view). The image picks the candidate resolution (384*i, 384*j),
/// i, j in 1..6, that keeps the most of its pixels (ties: least padding, then the first); its
/// crops form a (rows*27) x (cols*27) feature map; padding is cut away ("unpad"); a map larger
/// than N views by a factor over 1.1 is shrunk; each row gets a newline token; the base view
/// adds 729. Float steps follow the Python reference exactly.
/// </summary>
public sealed class AnyResTokens(int maxViews = 9, int viewSize = 384, int gridMax = 6, int tokensPerSide = 27)
{
    private int BaseTokens => tokensPerSide * tokensPerSide;

    public AnyResResult Count(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        var (bestWidth, bestHeight) = BestResolution(width, height);
        int cols = bestWidth / viewSize, rows = bestHeight / viewSize;
        var (h, w) = Unpad(rows * tokensPerSide, cols * tokensPerSide, width, height);
        var times = Math.Sqrt(h * w / (double)(maxViews * tokensPerSide * tokensPerSide));
        if (times > 1.1)
        {
            h = PythonMath.Int(PythonMath.FloorDiv(h, times));
            w = PythonMath.Int(PythonMath.FloorDiv(w, times));
        }
        return new AnyResResult(cols, rows, h, w, BaseTokens + h * (w + 1));
    }

    /// <summary>LLaVA-NeXT's select_best_resolution over (384*i, 384*j), i the width multiplier in the outer loop.</summary>
    private (int Width, int Height) BestResolution(int width, int height)
    {
        var best = (Width: 0, Height: 0);
        long maxEffective = 0, minWasted = long.MaxValue;
        for (var i = 1; i <= gridMax; i++)
        for (var j = 1; j <= gridMax; j++)
        {
            int candidateWidth = i * viewSize, candidateHeight = j * viewSize;
            var scale = Math.Min((double)candidateWidth / width, (double)candidateHeight / height);
            long downscaledWidth = PythonMath.Int(width * scale), downscaledHeight = PythonMath.Int(height * scale);
            var effective = Math.Min(downscaledWidth * downscaledHeight, (long)width * height);
            var wasted = (long)candidateWidth * candidateHeight - effective;
            if (effective > maxEffective || (effective == maxEffective && wasted < minWasted))
            {
                (maxEffective, minWasted) = (effective, wasted);
                best = (candidateWidth, candidateHeight);
            }
        }
        return best;
    }

    /// <summary>LLaVA's unpad_image: the feature rows or columns that only covered padding are removed, as many from each side.</summary>
    private static (int Height, int Width) Unpad(int currentHeight, int currentWidth, int originalWidth, int originalHeight)
    {
        var originalAspect = (double)originalWidth / originalHeight;
        var currentAspect = (double)currentWidth / currentHeight;
        if (originalAspect > currentAspect)
        {
            var scale = (double)currentWidth / originalWidth;
            var newHeight = PythonMath.Int(originalHeight * scale);
            var padding = (currentHeight - newHeight) / 2;
            return (currentHeight - 2 * padding, currentWidth);
        }
        else
        {
            var scale = (double)currentHeight / originalHeight;
            var newWidth = PythonMath.Int(originalWidth * scale);
            var padding = (currentWidth - newWidth) / 2;
            return (currentHeight, currentWidth - 2 * padding);
        }
    }
}

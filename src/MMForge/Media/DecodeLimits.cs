namespace MMForge.Media;

/// <summary>
/// Limits checked from the image header, before any pixel is decoded, so an image that breaks
/// one costs a header read: no decompression bombs, no decoding an image only to drop it.
/// </summary>
public sealed record DecodeLimits
{
    /// <summary>Pillow's decompression-bomb error threshold (2 x MAX_IMAGE_PIXELS).</summary>
    public const long PillowMaxPixels = 178_956_970;

    /// <summary>No limits but Pillow's pixel count: what hashing a file on its own uses.</summary>
    public static DecodeLimits Default { get; } = new();

    public long MaxPixels { get; init; } = PillowMaxPixels;

    /// <summary>Shortest side allowed, in pixels (0: any).</summary>
    public int MinSide { get; init; }

    /// <summary>Largest long-side / short-side ratio allowed (infinity: any).</summary>
    public double MaxAspect { get; init; } = double.PositiveInfinity;

    /// <summary>Throws <see cref="ImageDecodeException"/> when the declared size breaks a limit.</summary>
    public void CheckHeader(long width, long height)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(DecodeFailure.Corrupt, $"image header declares an empty size {width}x{height}");
        if (width * height > MaxPixels)
            throw new ImageDecodeException(DecodeFailure.TooManyPixels,
                $"image header declares {width}x{height} = {width * height} pixels, over the limit of {MaxPixels}");
        if (Math.Min(width, height) < MinSide)
            throw new ImageDecodeException(DecodeFailure.TooSmall, $"image is {width}x{height}, a side is shorter than {MinSide} pixels");
        var aspect = (double)Math.Max(width, height) / Math.Min(width, height);
        if (aspect > MaxAspect)
            throw new ImageDecodeException(DecodeFailure.ExtremeAspect,
                $"image is {width}x{height}, aspect ratio {aspect:0.##}:1 is over the limit of {MaxAspect:0.##}:1");
    }
}

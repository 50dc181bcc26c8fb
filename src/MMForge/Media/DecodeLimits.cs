namespace MMForge.Media;

/// <summary>Limits checked from the image header, before any pixel is decoded.</summary>
public sealed record DecodeLimits
{
    /// <summary>Pillow's decompression-bomb error threshold (2 x MAX_IMAGE_PIXELS).</summary>
    public const long PillowMaxPixels = 178_956_970;

    public static DecodeLimits Default { get; } = new();

    public long MaxPixels { get; init; } = PillowMaxPixels;

    /// <summary>Throws <see cref="ImageDecodeException"/> when the declared size exceeds the limit.</summary>
    public void CheckHeader(long width, long height)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(DecodeFailure.Corrupt, $"image header declares an empty size {width}x{height}");
        if (width * height > MaxPixels)
            throw new ImageDecodeException(DecodeFailure.TooManyPixels,
                $"image header declares {width}x{height} = {width * height} pixels, over the limit of {MaxPixels}");
    }
}

namespace MMForge.Media;

/// <summary>
/// 8-bit pixels in the image's own mode as Pillow would load it: 1 channel (L), 2 (LA), 3 (RGB)
/// or 4 (RGBA), rows packed without padding. CMYK images arrive as the RGB Pillow converts them
/// to; animated images and multi-page files as their first frame.
/// </summary>
public sealed record DecodedImage(int Width, int Height, int Channels, byte[] Pixels, string Format)
{
    /// <summary>The image's own size; larger than Width/Height only when it was decoded reduced.</summary>
    public int FullWidth { get; init; } = Width;

    public int FullHeight { get; init; } = Height;

    /// <summary>How many frames (or pages) the file holds; only the first is decoded.</summary>
    public int Frames { get; init; } = 1;
}

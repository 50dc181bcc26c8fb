namespace MMForge.Media;

/// <summary>
/// Packed 8-bit pixel rows laid out as <see cref="DecodedImage"/> (1 to 4 channels), wherever they
/// live: a decoded image's own array or a per-thread buffer that the next decode overwrites.
/// </summary>
internal readonly ref struct PixelView(ReadOnlySpan<byte> pixels, int width, int height, int channels)
{
    public readonly ReadOnlySpan<byte> Pixels = pixels;
    public readonly int Width = width;
    public readonly int Height = height;
    public readonly int Channels = channels;

    public ReadOnlySpan<byte> Row(int y) => Pixels.Slice(y * Width * Channels, Width * Channels);
}

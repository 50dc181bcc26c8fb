namespace MMForge.Media;

/// <summary>
/// What a decode into a caller's buffer gave: the decoded size and layout (8-bit, 1 to 3 channels,
/// at the start of the buffer), the image's own size (larger when a JPEG was decoded reduced) and
/// its frame count.
/// </summary>
internal readonly record struct DecodedFrame(int Width, int Height, int Channels, int FullWidth, int FullHeight, int Frames = 1)
{
    public int Length => Width * Height * Channels;

    /// <summary>The decoded image in <paramref name="pixels"/>, the array the decode filled (a CMYK decode leaves its RGB in the first 3/4 of it).</summary>
    public DecodedImage Image(byte[] pixels, string format) =>
        new(Width, Height, Channels, pixels.Length == Length ? pixels : pixels[..Length], format) { FullWidth = FullWidth, FullHeight = FullHeight, Frames = Frames };

    /// <summary>The decoded pixels at the start of <paramref name="buffer"/>, a reused array that may be longer.</summary>
    public PixelView View(byte[] buffer) => new(buffer.AsSpan(0, Length), Width, Height, Channels);
}

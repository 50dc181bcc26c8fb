namespace MMForge.Media;

/// <summary>
/// What a decode into a caller's buffer gave: the decoded size and layout (8-bit, 1 to 3 channels,
/// at the start of the buffer), the image's own size (larger when a JPEG was decoded reduced) and
/// its frame count.
/// </summary>
internal readonly record struct DecodedFrame(int Width, int Height, int Channels, int FullWidth, int FullHeight, int Frames = 1)
{
    public int Length => Width * Height * Channels;
}

namespace MMForge.Media;

/// <summary>
/// 8-bit pixels in the image's own mode as Pillow would load it: 1 channel (L), 2 (LA), 3 (RGB)
/// or 4 (RGBA), rows packed without padding.
/// </summary>
public sealed record DecodedImage(int Width, int Height, int Channels, byte[] Pixels, string Format);

namespace MMForge.Media;

/// <summary>An 8-bit single-channel image (Pillow mode L), rows packed.</summary>
public sealed record GrayImage(int Width, int Height, byte[] Pixels)
{
    public byte this[int x, int y] => Pixels[y * Width + x];
}

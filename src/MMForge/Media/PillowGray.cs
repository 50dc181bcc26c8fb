namespace MMForge.Media;

/// <summary>Pillow's <c>convert('L')</c>, to the bit.</summary>
public static class PillowGray
{
    /// <summary>
    /// ITU-R 601-2 luma in Pillow's 16-bit fixed point (its L24 macro, rounded). Alpha is ignored;
    /// palettes are already expanded, and Pillow's palette conversion uses the same formula.
    /// </summary>
    public static GrayImage Convert(DecodedImage image)
    {
        var count = image.Width * image.Height;
        var source = image.Pixels;
        var gray = new byte[count];
        if (image.Channels <= 2)
        {
            for (int i = 0, s = 0; i < count; i++, s += image.Channels) gray[i] = source[s];
        }
        else
        {
            for (int i = 0, s = 0; i < count; i++, s += image.Channels)
                gray[i] = (byte)((source[s] * 19595 + source[s + 1] * 38470 + source[s + 2] * 7471 + 0x8000) >> 16);
        }
        return new GrayImage(image.Width, image.Height, gray);
    }
}

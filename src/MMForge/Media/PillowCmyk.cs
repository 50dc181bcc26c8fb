namespace MMForge.Media;

/// <summary>
/// CMYK pixels to RGB as Pillow 9.4 does: its <c>cmyk2rgb</c> (libImaging/Convert.c), which both
/// <c>convert('RGB')</c> and <c>convert('L')</c> of a CMYK image go through (Pillow has no direct
/// CMYK to L conversion, so L is taken from this RGB).
/// </summary>
internal static class PillowCmyk
{
    /// <summary>
    /// Rewrites <paramref name="count"/> packed CMYK pixels as packed RGB at the start of the same
    /// span (each pixel is read whole before its 3 bytes are written, never past a later pixel).
    /// <paramref name="inverted"/>: the samples are stored inverted, as Pillow assumes of every
    /// CMYK JPEG (it reads them with rawmode "CMYK;I", Adobe's convention, without checking for
    /// the Adobe marker).
    /// </summary>
    public static void ToRgbInPlace(Span<byte> pixels, int count, bool inverted)
    {
        var flip = inverted ? 255 : 0;
        for (var i = 0; i < count; i++)
        {
            var cmyk = pixels.Slice(4 * i, 4);
            int c = cmyk[0] ^ flip, m = cmyk[1] ^ flip, y = cmyk[2] ^ flip, notBlack = 255 - (cmyk[3] ^ flip);
            var rgb = pixels.Slice(3 * i, 3);
            rgb[0] = Ink(c, notBlack);
            rgb[1] = Ink(m, notBlack);
            rgb[2] = Ink(y, notBlack);
        }
    }

    /// <summary>nk - MULDIV255(ink, nk), clipped to a byte as Pillow's CLIP8 does.</summary>
    private static byte Ink(int ink, int notBlack)
    {
        var product = ink * notBlack + 128;
        return (byte)Math.Clamp(notBlack - (((product >> 8) + product) >> 8), 0, 255);
    }
}

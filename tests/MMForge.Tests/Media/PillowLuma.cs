namespace MMForge.Tests.Media;

/// <summary>The expected values, written out from Pillow 9.4's macros (libImaging/Convert.c) independently of the code under test.</summary>
internal static class PillowLuma
{
    /// <summary>rgb2l: L24(rgb) >> 16.</summary>
    public static byte Of(int r, int g, int b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);

    /// <summary>cmyk2rgb, then rgb2l: what convert('L') gives for a CMYK pixel.</summary>
    public static byte OfCmyk(int c, int m, int y, int k)
    {
        var nk = 255 - k;
        int MulDiv255(int a) { var tmp = a * nk + 128; return ((tmp >> 8) + tmp) >> 8; }
        return Of(nk - MulDiv255(c), nk - MulDiv255(m), nk - MulDiv255(y));
    }
}

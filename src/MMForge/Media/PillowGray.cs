using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MMForge.Media;

/// <summary>Pillow's <c>convert('L')</c>, to the bit.</summary>
public static class PillowGray
{
    // ITU-R 601-2 luma in Pillow's 16-bit fixed point: its L24 macro, rounded, then >> 16.
    private const int RedWeight = 19595, GreenWeight = 38470, BlueWeight = 7471, Rounding = 0x8000;

    /// <summary>
    /// Alpha is ignored; palettes are already expanded, and Pillow's palette conversion uses the
    /// same formula.
    /// </summary>
    public static GrayImage Convert(DecodedImage image)
    {
        var view = new PixelView(image.Pixels, image.Width, image.Height, image.Channels);
        var gray = new byte[image.Width * image.Height];
        var luma = new int[image.Width];
        for (var y = 0; y < image.Height; y++)
        {
            LumaRow(view.Row(y), view.Channels, luma);
            for (var x = 0; x < luma.Length; x++) gray[y * image.Width + x] = (byte)luma[x];
        }
        return new GrayImage(image.Width, image.Height, gray);
    }

    /// <summary>
    /// The gray value of every pixel of one row (1 to 4 channels) into <paramref name="luma"/>, whose
    /// length is the row's width. Eight pixels at a time with AVX2; the integer math is the same.
    /// </summary>
    internal static unsafe void LumaRow(ReadOnlySpan<byte> row, int channels, Span<int> luma)
    {
        fixed (byte* source = row)
        fixed (int* target = luma)
        {
            var width = luma.Length;
            var x = Avx2.IsSupported ? channels switch
            {
                1 => GrayRow(source, target, width),
                2 => GrayAlphaRow(source, target, width),
                3 => RgbRow(source, target, width, row.Length),
                _ => RgbaRow(source, target, width),
            } : 0;
            for (; x < width; x++)
            {
                var pixel = source + x * channels;
                target[x] = channels <= 2 ? pixel[0] : Luma(pixel[0], pixel[1], pixel[2]);
            }
        }
    }

    private static int Luma(int r, int g, int b) => (r * RedWeight + g * GreenWeight + b * BlueWeight + Rounding) >> 16;

    private static Vector256<int> Luma(Vector256<int> r, Vector256<int> g, Vector256<int> b) =>
        Vector256.ShiftRightLogical(r * RedWeight + g * GreenWeight + b * BlueWeight + Vector256.Create(Rounding), 16);

    /// <summary>Each of these returns how many pixels it did; the scalar loop does the rest.</summary>
    private static unsafe int GrayRow(byte* source, int* target, int width)
    {
        var x = 0;
        for (; x + 8 <= width; x += 8) Avx.Store(target + x, Avx2.ConvertToVector256Int32(source + x));
        return x;
    }

    private static unsafe int GrayAlphaRow(byte* source, int* target, int width)
    {
        var x = 0;
        for (; x + 8 <= width; x += 8)
            Avx.Store(target + x, Avx2.ConvertToVector256Int32((ushort*)(source + 2 * x)) & Vector256.Create(0xFF));
        return x;
    }

    private static unsafe int RgbaRow(byte* source, int* target, int width)
    {
        var x = 0;
        var low = Vector256.Create(0xFF);
        for (; x + 8 <= width; x += 8)
        {
            var pixels = Avx.LoadVector256((int*)(source + 4 * x));
            Avx.Store(target + x, Luma(pixels & low, Vector256.ShiftRightLogical(pixels, 8) & low, Vector256.ShiftRightLogical(pixels, 16) & low));
        }
        return x;
    }

    // Within each 16-byte lane (4 RGB pixels in its first 12 bytes), each int gets a pair of
    // 16-bit samples: (R, G) or (G, B). One multiply-add of each with the pair of weights below
    // gives R*19595 + G*19235 + G*19235 + B*7471, which is the same sum, since 19235 * 2 = 38470
    // (which itself does not fit a signed 16-bit weight).
    private static readonly Vector256<byte> RedGreen = PairShuffle(0), GreenBlue = PairShuffle(1);
    private static readonly Vector256<short> RedGreenWeights = Pairs(RedWeight, GreenWeight / 2), GreenBlueWeights = Pairs(GreenWeight / 2, BlueWeight);

    private static Vector256<byte> PairShuffle(int firstChannel)
    {
        var mask = new byte[32];
        for (var i = 0; i < 32; i++)
            mask[i] = i % 2 == 1 ? (byte)0x80 : (byte)(i % 16 / 4 * 3 + firstChannel + i % 4 / 2); // 0x80 zeroes the byte
        return Vector256.Create(mask);
    }

    private static Vector256<short> Pairs(int first, int second) => Vector256.Create((first & 0xFFFF) | (second << 16)).AsInt16();

    /// <summary>8 RGB pixels (24 bytes) from two 16-byte loads 12 bytes apart: the second reads 4 bytes past them, so stop 28 bytes before the end.</summary>
    private static unsafe int RgbRow(byte* source, int* target, int width, int length)
    {
        var x = 0;
        for (; x + 8 <= width && 3 * x + 28 <= length; x += 8)
        {
            var p = source + 3 * x;
            var pixels = Vector256.Create(Sse2.LoadVector128(p), Sse2.LoadVector128(p + 12));
            var sum = Avx2.MultiplyAddAdjacent(Avx2.Shuffle(pixels, RedGreen).AsInt16(), RedGreenWeights)
                      + Avx2.MultiplyAddAdjacent(Avx2.Shuffle(pixels, GreenBlue).AsInt16(), GreenBlueWeights);
            Avx.Store(target + x, Vector256.ShiftRightLogical(sum + Vector256.Create(Rounding), 16));
        }
        return x;
    }
}

namespace MMForge.Tests.Media;

/// <summary>
/// The test oracle for the vectorized resampler: Pillow 9.4's convert('L') then resize(LANCZOS)
/// written as plainly as libImaging does it, one pixel and one tap at a time.
/// </summary>
internal static class ScalarPillowResize
{
    private const int PrecisionBits = 22;

    public static byte[] GrayThenResize(byte[] pixels, int width, int height, int channels, int outWidth, int outHeight)
    {
        var gray = new byte[width * height];
        for (var i = 0; i < gray.Length; i++)
        {
            var p = i * channels;
            gray[i] = channels <= 2 ? pixels[p] : (byte)((pixels[p] * 19595 + pixels[p + 1] * 38470 + pixels[p + 2] * 7471 + 0x8000) >> 16);
        }
        var (hStart, hCount, hWeights, hStride) = Coefficients(width, outWidth);
        var (vStart, vCount, vWeights, vStride) = Coefficients(height, outHeight);
        var firstRow = vStart[0];
        var rows = vStart[outHeight - 1] + vCount[outHeight - 1] - firstRow;
        var stage = new byte[rows * outWidth];
        for (var y = 0; y < rows; y++)
            for (var x = 0; x < outWidth; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var i = 0; i < hCount[x]; i++) sum += gray[(y + firstRow) * width + hStart[x] + i] * hWeights[x * hStride + i];
                stage[y * outWidth + x] = Clip8(sum);
            }
        var output = new byte[outWidth * outHeight];
        for (var y = 0; y < outHeight; y++)
            for (var x = 0; x < outWidth; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var i = 0; i < vCount[y]; i++) sum += stage[(vStart[y] - firstRow + i) * outWidth + x] * vWeights[y * vStride + i];
                output[y * outWidth + x] = Clip8(sum);
            }
        return output;
    }

    private static byte Clip8(int sum) => sum >= 255 << PrecisionBits ? (byte)255 : sum <= 0 ? (byte)0 : (byte)(sum >> PrecisionBits);

    private static (int[] Start, int[] Count, int[] Weights, int Stride) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = 3.0 * filterScale;
        var stride = (int)Math.Ceiling(support) * 2 + 1;
        var (start, count, weights) = (new int[outSize], new int[outSize], new int[outSize * stride]);
        var k = new double[stride];
        for (var o = 0; o < outSize; o++)
        {
            var center = (o + 0.5) * scale;
            var min = Math.Max((int)(center - support + 0.5), 0);
            var max = Math.Min((int)(center + support + 0.5), inSize) - min;
            var sum = 0.0;
            for (var i = 0; i < max; i++) sum += k[i] = Lanczos((i + min - center + 0.5) * (1.0 / filterScale));
            for (var i = 0; i < max; i++)
            {
                var w = sum != 0.0 ? k[i] / sum : k[i];
                weights[o * stride + i] = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
            }
            (start[o], count[o]) = (min, max);
        }
        return (start, count, weights, stride);
    }

    private static double Lanczos(double x) => x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;

    private static double Sinc(double x) => x == 0.0 ? 1.0 : Math.Sin(x * Math.PI) / (x * Math.PI);
}

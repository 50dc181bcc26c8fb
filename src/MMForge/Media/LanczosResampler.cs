namespace MMForge.Media;

/// <summary>
/// Pillow 9.4's <c>resize(size, LANCZOS)</c> for 8-bit single-channel images (libImaging/Resample.c):
/// the same double-precision coefficients, rounded to the same fixed point, accumulated in the same
/// order, horizontal pass first. Any deviation changes hash bits, so nothing here is "simplified".
/// </summary>
public static class LanczosResampler
{
    private const double Support = 3.0;
    // 32 bits minus 8 for the pixel and 2 for the sign and the sum's headroom, as Pillow.
    private const int PrecisionBits = 32 - 8 - 2;

    public static GrayImage Resize(GrayImage image, int width, int height)
    {
        var vertical = Coefficients.For(image.Height, height);
        // Only the source rows the vertical pass reads are resampled horizontally.
        var firstRow = vertical.Start[0];
        var lastRow = vertical.Start[height - 1] + vertical.Count[height - 1];
        var horizontal = Coefficients.For(image.Width, width);

        var rows = lastRow - firstRow;
        var stage = new byte[rows * width];
        for (var y = 0; y < rows; y++)
        {
            var sourceRow = image.Pixels.AsSpan((y + firstRow) * image.Width, image.Width);
            for (var x = 0; x < width; x++)
                stage[y * width + x] = horizontal.Apply(x, sourceRow, step: 1, origin: 0);
        }

        var output = new byte[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                output[y * width + x] = vertical.Apply(y, stage.AsSpan(x), step: width, origin: firstRow);
        return new GrayImage(width, height, output);
    }

    /// <summary>Pillow's precompute_coeffs followed by normalize_coeffs_8bpc, for one axis.</summary>
    private sealed class Coefficients
    {
        public required int[] Start { get; init; }
        public required int[] Count { get; init; }
        public required int[] Weights { get; init; }
        public required int Stride { get; init; }

        public static Coefficients For(int inSize, int outSize)
        {
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support * filterScale;
            var stride = (int)Math.Ceiling(support) * 2 + 1;
            // Pillow multiplies by the reciprocal; dividing would round differently.
            var reciprocal = 1.0 / filterScale;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * stride];
            var k = new double[stride];
            for (var o = 0; o < outSize; o++)
            {
                var center = (o + 0.5) * scale;
                // (int) truncates toward zero like C; negatives are clamped right after.
                var min = Math.Max((int)(center - support + 0.5), 0);
                var max = Math.Min((int)(center + support + 0.5), inSize) - min;
                var sum = 0.0;
                for (var i = 0; i < max; i++)
                {
                    k[i] = Lanczos((i + min - center + 0.5) * reciprocal);
                    sum += k[i];
                }
                for (var i = 0; i < max; i++)
                {
                    var w = sum != 0.0 ? k[i] / sum : k[i];
                    weights[o * stride + i] = w < 0
                        ? (int)(-0.5 + w * (1 << PrecisionBits))
                        : (int)(0.5 + w * (1 << PrecisionBits));
                }
                start[o] = min;
                count[o] = max;
            }
            return new Coefficients { Start = start, Count = count, Weights = weights, Stride = stride };
        }

        /// <summary>
        /// One output sample from <paramref name="line"/>, whose sample i sits at
        /// (i - origin) * step: a row (step 1) or a column of the staged rows (step = width).
        /// </summary>
        public byte Apply(int output, ReadOnlySpan<byte> line, int step, int origin)
        {
            var sum = 1 << (PrecisionBits - 1);
            var position = (Start[output] - origin) * step;
            var offset = output * Stride;
            for (var i = 0; i < Count[output]; i++, position += step) sum += line[position] * Weights[offset + i];
            return (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
        }

        /// <summary>Truncated sinc windowed by sinc(x/3), Pillow's lanczos_filter.</summary>
        private static double Lanczos(double x) => x is >= -Support and < Support ? Sinc(x) * Sinc(x / Support) : 0.0;

        private static double Sinc(double x)
        {
            if (x == 0.0) return 1.0;
            x *= Math.PI;
            return Math.Sin(x) / x;
        }
    }
}

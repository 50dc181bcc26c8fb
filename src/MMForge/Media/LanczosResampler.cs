using System.Runtime.Intrinsics;

namespace MMForge.Media;

/// <summary>
/// Pillow 9.4's <c>convert('L').resize(size, LANCZOS)</c> (libImaging/Resample.c): the same
/// double-precision coefficients, rounded to the same fixed point, the horizontal pass first with
/// its results clipped to bytes, then the vertical pass. Any deviation changes hash bits, so
/// nothing here is "simplified". The sums are int32 multiply-adds of bytes and weights that cannot
/// overflow, so adding them eight at a time in another order gives the same result.
/// </summary>
public static class LanczosResampler
{
    private const double Support = 3.0;
    // 32 bits minus 8 for the pixel and 2 for the sign and the sum's headroom, as Pillow.
    private const int PrecisionBits = 32 - 8 - 2;

    public static GrayImage Resize(GrayImage image, int width, int height) =>
        Resize(new PixelView(image.Pixels, image.Width, image.Height, 1), width, height);

    /// <summary>
    /// Gray conversion fused into the horizontal pass, one source row at a time, so no full-size
    /// gray image is made; only the source rows the vertical pass reads are converted.
    /// </summary>
    internal static unsafe GrayImage Resize(PixelView source, int width, int height)
    {
        var vertical = Coefficients.For(source.Height, height);
        var horizontal = Coefficients.For(source.Width, width);
        var firstRow = vertical.Start[0];
        var rows = vertical.Start[height - 1] + vertical.Count[height - 1] - firstRow;

        // The vector loop reads up to a whole coefficient stride past a window's start; the taps
        // past the row's end have weight 0, and the padding is cleared so they add exactly 0.
        var luma = ThreadScratch.Luma(source.Width + horizontal.Stride);
        luma.AsSpan(source.Width, horizontal.Stride).Clear();
        var stage = ThreadScratch.Stage(rows * width);
        fixed (int* lumaRow = luma)
        fixed (int* staged = stage)
        {
            for (var y = 0; y < rows; y++)
            {
                PillowGray.LumaRow(source.Row(firstRow + y), source.Channels, luma.AsSpan(0, source.Width));
                for (var x = 0; x < width; x++)
                    staged[y * width + x] = Clip(horizontal.Row(x, lumaRow));
            }
            var output = new byte[width * height];
            for (var y = 0; y < height; y++)
                vertical.Columns(y, staged + (vertical.Start[y] - firstRow) * width, width, output.AsSpan(y * width, width));
            return new GrayImage(width, height, output);
        }
    }

    /// <summary>Pillow's clip8: rounding is already in the sum, the fraction bits are dropped.</summary>
    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    /// <summary>Pillow's precompute_coeffs followed by normalize_coeffs_8bpc, for one axis.</summary>
    private sealed unsafe class Coefficients
    {
        private const int Half = 1 << (PrecisionBits - 1);

        public required int[] Start { get; init; }
        public required int[] Count { get; init; }
        /// <summary>Per output sample, <see cref="Stride"/> weights: the window's, then zeros.</summary>
        public required int[] Weights { get; init; }
        /// <summary>Pillow's window bound rounded up to whole vectors.</summary>
        public required int Stride { get; init; }

        /// <summary>
        /// Datasets repeat a few image sizes (640x480, 1024x1024, ...), and the coefficients cost two
        /// sin() per tap, about as much as resizing a row per tap: each thread keeps those it made.
        /// </summary>
        [ThreadStatic] private static Dictionary<(int In, int Out), Coefficients>? _made;
        private const int MaxKept = 32; // each at most 32 x (6 x in/out + 8) ints for the 32-pixel hashes: small beside one decode

        public static Coefficients For(int inSize, int outSize)
        {
            _made ??= [];
            if (_made.TryGetValue((inSize, outSize), out var made)) return made;
            if (_made.Count == MaxKept) _made.Clear();
            return _made[(inSize, outSize)] = Compute(inSize, outSize);
        }

        private static Coefficients Compute(int inSize, int outSize)
        {
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support * filterScale;
            var window = (int)Math.Ceiling(support) * 2 + 1;
            var stride = (window + Vector256<int>.Count - 1) / Vector256<int>.Count * Vector256<int>.Count;
            // Pillow multiplies by the reciprocal; dividing would round differently.
            var reciprocal = 1.0 / filterScale;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * stride];
            var k = new double[window];
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
        /// The rounded fixed-point sum for output sample <paramref name="output"/> of a row, eight taps
        /// at a time; <paramref name="row"/> must hold <see cref="Stride"/> readable values past every window start.
        /// </summary>
        public int Row(int output, int* row)
        {
            fixed (int* w = &Weights[output * Stride])
            {
                var samples = row + Start[output];
                var count = Count[output];
                if (!Vector256.IsHardwareAccelerated) return Dot(samples, 1, w, count);
                var sum = Vector256<int>.Zero;
                for (var i = 0; i < count; i += Vector256<int>.Count)
                    sum += Vector256.Load(samples + i) * Vector256.Load(w + i);
                return Half + Vector256.Sum(sum);
            }
        }

        /// <summary>
        /// Output row <paramref name="output"/> of the vertical pass over staged rows of
        /// <paramref name="width"/> values, <paramref name="window"/> pointing at its first row;
        /// eight columns at a time.
        /// </summary>
        public void Columns(int output, int* window, int width, Span<byte> result)
        {
            fixed (int* w = &Weights[output * Stride])
            {
                var count = Count[output];
                var x = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; x + Vector256<int>.Count <= width; x += Vector256<int>.Count)
                    {
                        var sum = Vector256.Create(Half);
                        for (var i = 0; i < count; i++) sum += Vector256.Load(window + i * width + x) * w[i];
                        sum = Vector256.ShiftRightArithmetic(sum, PrecisionBits);
                        for (var lane = 0; lane < Vector256<int>.Count; lane++) result[x + lane] = (byte)Math.Clamp(sum[lane], 0, 255);
                    }
                }
                for (; x < width; x++) result[x] = Clip(Dot(window + x, width, w, count));
            }
        }

        private static int Dot(int* samples, int step, int* weights, int count)
        {
            var sum = Half;
            for (var i = 0; i < count; i++) sum += samples[i * step] * weights[i];
            return sum;
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

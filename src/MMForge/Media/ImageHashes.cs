namespace MMForge.Media;

/// <summary>
/// pHash, dHash and aHash exactly as the Python imagehash package (4.3) computes them with
/// hash_size 8: bits row-major, the first bit the most significant.
/// </summary>
public static class ImageHashes
{
    private const int HashSize = 8;
    private const int PhashSize = HashSize * 4; // imagehash's highfreq_factor 4

    /// <summary>cos(pi k (2i+1) / 2N) for the 8 kept frequencies k and the 32 samples i.</summary>
    private static readonly double[] DctCosines = Enumerable.Range(0, HashSize * PhashSize)
        .Select(j => Math.Cos(Math.PI * (j / PhashSize) * (2 * (j % PhashSize) + 1) / (2 * PhashSize)))
        .ToArray();

    /// <summary>LANCZOS to 32x32, 2-D DCT-II, the low 8x8 block against its median.</summary>
    public static ulong Phash(GrayImage image) => PhashOfResized(LanczosResampler.Resize(image, PhashSize, PhashSize));

    /// <summary>The same pHash straight from decoded pixels: the gray conversion is fused into the resize.</summary>
    public static ulong Phash(DecodedImage image) =>
        Phash(new PixelView(image.Pixels, image.Width, image.Height, image.Channels));

    internal static ulong Phash(PixelView pixels) => PhashOfResized(LanczosResampler.Resize(pixels, PhashSize, PhashSize));

    private static ulong PhashOfResized(GrayImage small)
    {
        var block = LowFrequencyDct(small);
        var sorted = (double[])block.Clone();
        Array.Sort(sorted);
        // numpy's median of an even count: the mean of the two middle values.
        var median = (sorted[block.Length / 2 - 1] + sorted[block.Length / 2]) / 2;
        return Bits(block.Length, i => block[i] > median);
    }

    /// <summary>LANCZOS to 9x8; each bit says whether a pixel is brighter than its left neighbour.</summary>
    public static ulong Dhash(GrayImage image)
    {
        var small = LanczosResampler.Resize(image, HashSize + 1, HashSize);
        return Bits(HashSize * HashSize, i => small[i % HashSize + 1, i / HashSize] > small[i % HashSize, i / HashSize]);
    }

    /// <summary>LANCZOS to 8x8; each bit says whether a pixel is above the mean.</summary>
    public static ulong Ahash(GrayImage image)
    {
        var small = LanczosResampler.Resize(image, HashSize, HashSize);
        var mean = small.Pixels.Average(p => (double)p);
        return Bits(small.Pixels.Length, i => small.Pixels[i] > mean);
    }

    /// <summary>16 lowercase hex digits, as imagehash prints a hash.</summary>
    public static string Hex(ulong hash) => hash.ToString("x16");

    public static int Distance(ulong a, ulong b) => System.Numerics.BitOperations.PopCount(a ^ b);

    private static ulong Bits(int count, Func<int, bool> bit)
    {
        var hash = 0UL;
        for (var i = 0; i < count; i++) hash = (hash << 1) | (bit(i) ? 1UL : 0UL);
        return hash;
    }

    /// <summary>
    /// scipy.fftpack's unnormalized DCT-II (y[k] = 2 sum x[n] cos(pi k (2n+1) / 2N)) along the
    /// columns, then along the rows, keeping only the 8x8 low-frequency corner (row-major).
    /// </summary>
    private static double[] LowFrequencyDct(GrayImage image)
    {
        const int n = PhashSize;
        var cosines = DctCosines;
        var columns = new double[HashSize * n]; // [k, x]: DCT along axis 0 of column x
        for (var k = 0; k < HashSize; k++)
            for (var x = 0; x < n; x++)
            {
                var sum = 0.0;
                for (var y = 0; y < n; y++) sum += image[x, y] * cosines[k * n + y];
                columns[k * n + x] = 2 * sum;
            }

        var block = new double[HashSize * HashSize];
        for (var k = 0; k < HashSize; k++)
            for (var l = 0; l < HashSize; l++)
            {
                var sum = 0.0;
                for (var x = 0; x < n; x++) sum += columns[k * n + x] * cosines[l * n + x];
                block[k * HashSize + l] = 2 * sum;
            }
        return block;
    }
}

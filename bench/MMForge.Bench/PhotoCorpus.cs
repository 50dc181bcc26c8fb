using MMForge.Media;

namespace MMForge.Bench;

/// <summary>
/// JPEGs made from the real sample photos: random crops of random aspect (9:16 to 16:9), rescaled
/// to 0.3–2.7 MP (1.5 MP on average, or a range the caller gives), encoded by libjpeg-turbo at
/// quality 90 with 4:2:0 chroma, as most web photos are. Seeded, so every run measures the same bytes.
/// </summary>
public sealed class PhotoCorpus
{
    public const double MinMegapixels = 0.3, MaxMegapixels = 2.7;
    public const int Quality = 90;

    public sealed record Image(byte[] Jpeg, int Width, int Height);

    private readonly IReadOnlyList<DecodedImage> _sources;

    private PhotoCorpus(IReadOnlyList<DecodedImage> sources) => _sources = sources;

    /// <summary>Every distinct .jpg under <paramref name="samples"/> is a source photo.</summary>
    public static PhotoCorpus Load(string samples)
    {
        var sources = Directory.EnumerateFiles(samples, "*.jpg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .DistinctBy(Convert.ToHexString)
            .Select(bytes => ImageDecoder.Decode(bytes))
            .Where(image => image.Channels == 3)
            .ToList();
        if (sources.Count == 0) throw new InvalidOperationException($"no JPEG photos under {samples}");
        return new PhotoCorpus(sources);
    }

    public static IReadOnlyList<Image> Generate(string samples, int count, int seed = 1500)
    {
        var corpus = Load(samples);
        var images = new Image[count];
        Parallel.For(0, count, i => images[i] = corpus.Make(new Random(seed + i)));
        return images;
    }

    /// <summary>One photo drawn with <paramref name="random"/>, of <paramref name="minMegapixels"/> to <paramref name="maxMegapixels"/>.</summary>
    public Image Make(Random random, double minMegapixels = MinMegapixels, double maxMegapixels = MaxMegapixels)
    {
        var source = _sources[random.Next(_sources.Count)];
        var megapixels = minMegapixels + random.NextDouble() * (maxMegapixels - minMegapixels);
        var aspect = Math.Exp((random.NextDouble() * 2 - 1) * Math.Log(16.0 / 9)); // width / height
        var width = (int)Math.Round(Math.Sqrt(megapixels * 1e6 * aspect));
        var height = (int)Math.Round(megapixels * 1e6 / width);

        // the largest crop of that aspect the photo holds, shrunk by up to half, placed anywhere
        var cropWidth = Math.Min(source.Width, source.Height * aspect) * (0.5 + random.NextDouble() * 0.5);
        var cropHeight = cropWidth / aspect;
        var left = random.NextDouble() * (source.Width - cropWidth);
        var top = random.NextDouble() * (source.Height - cropHeight);
        var pixels = Bilinear(source, left, top, cropWidth / width, cropHeight / height, width, height);
        return new Image(JpegEncoder.Encode(pixels, width, height, TurboJpegNative.PixelFormatRgb, Quality), width, height);
    }

    /// <summary>Samples the RGB source at (left + (x + 0.5) * stepX - 0.5, ...) with bilinear weights.</summary>
    private static byte[] Bilinear(DecodedImage source, double left, double top, double stepX, double stepY, int width, int height)
    {
        var output = new byte[width * height * 3];
        var src = source.Pixels;
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Clamp(top + (y + 0.5) * stepY - 0.5, 0, source.Height - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, source.Height - 1);
            var fy = sy - y0;
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Clamp(left + (x + 0.5) * stepX - 0.5, 0, source.Width - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, source.Width - 1);
                var fx = sx - x0;
                for (var c = 0; c < 3; c++)
                {
                    double Px(int px, int py) => src[(py * source.Width + px) * 3 + c];
                    var value = (Px(x0, y0) * (1 - fx) + Px(x1, y0) * fx) * (1 - fy) + (Px(x0, y1) * (1 - fx) + Px(x1, y1) * fx) * fy;
                    output[(y * width + x) * 3 + c] = (byte)(value + 0.5);
                }
            }
        }
        return output;
    }
}

using System.Text.Json;
using MMForge.Media;

namespace MMForge.Bench;

/// <summary>One image file of a <see cref="ScaledImagePool"/>.</summary>
/// <param name="Path">Relative to the pool's root, with '/'.</param>
/// <param name="CopyOf">The image this one copies (byte for byte, or re-encoded), or -1.</param>
public sealed record PoolImage(string Path, int Width, int Height, int CopyOf, bool Exact)
{
    public bool IsCopy => CopyOf >= 0;
}

/// <summary>
/// The image files of a scaled example: JPEG photos of 0.08–0.8 MP from <see cref="PhotoCorpus"/>
/// (so visual token counts differ), PNG bar charts, and copies of earlier images, byte for byte
/// or re-encoded at a lower quality (a near duplicate by pHash), as crawled data repeats
/// pictures under other names. Seeded: image k depends only on the seed and k. The pool is
/// written once per count and seed (images/pool.json lists it, written last) and reused.
/// </summary>
public static class ScaledImagePool
{
    /// <summary>Raise when the images change, so cached pools are regenerated.</summary>
    private const int Version = 1;

    public const double ExactCopyShare = 0.03, NearCopyShare = 0.03, ChartShare = 0.06;
    public const double MinMegapixels = 0.08, MaxMegapixels = 0.8;
    private const int NearCopyQuality = 70;

    private sealed record PoolFile(int Version, int Count, int Seed, PoolImage[] Images);

    /// <summary>The pool under <paramref name="root"/>/images, written unless the one there has the same count and seed.</summary>
    public static PoolImage[] Write(string root, int count, string photos, int seed)
    {
        var index = System.IO.Path.Combine(root, "images", "pool.json");
        if (File.Exists(index) && JsonSerializer.Deserialize<PoolFile>(File.ReadAllText(index)) is { } cached
            && (cached.Version, cached.Count, cached.Seed) == (Version, count, seed))
            return cached.Images;
        if (Directory.Exists(System.IO.Path.GetDirectoryName(index))) Directory.Delete(System.IO.Path.GetDirectoryName(index)!, recursive: true);
        var plan = Plan(count, seed);
        var images = new PoolImage[count];
        var corpus = PhotoCorpus.Load(photos);
        // originals first, in parallel, then the copies, which read their original's file
        Parallel.For(0, count, k =>
        {
            if (plan[k].CopyOf >= 0) return;
            var random = new Random(seed * 1_000_003 + k);
            if (plan[k].Chart)
            {
                var (png, width, height) = BarChart.Make(random);
                images[k] = Save(root, k, ".png", png, width, height, -1, false);
            }
            else
            {
                var photo = corpus.Make(random, MinMegapixels, MaxMegapixels);
                images[k] = Save(root, k, ".jpg", photo.Jpeg, photo.Width, photo.Height, -1, false);
            }
        });
        Parallel.For(0, count, k =>
        {
            var of = plan[k].CopyOf;
            if (of < 0) return;
            var original = images[of];
            var bytes = File.ReadAllBytes(System.IO.Path.Combine(root, original.Path));
            var exact = plan[k].Exact || original.Path.EndsWith(".png", StringComparison.Ordinal);
            if (!exact)
            {
                var decoded = ImageDecoder.Decode(bytes);
                bytes = JpegEncoder.Encode(decoded.Pixels, decoded.Width, decoded.Height, TurboJpegNative.PixelFormatRgb, NearCopyQuality);
            }
            images[k] = Save(root, k, System.IO.Path.GetExtension(original.Path), bytes, original.Width, original.Height, of, exact);
        });
        File.WriteAllText(index, JsonSerializer.Serialize(new PoolFile(Version, count, seed, images)));
        return images;
    }

    private readonly record struct Planned(bool Chart, int CopyOf, bool Exact);

    /// <summary>What each image is; a copy always copies an original, never another copy.</summary>
    private static Planned[] Plan(int count, int seed)
    {
        var random = new Random(seed);
        var plan = new Planned[count];
        for (var k = 0; k < count; k++)
        {
            var roll = random.NextDouble();
            if (k > 0 && roll < ExactCopyShare + NearCopyShare)
            {
                var of = random.Next(k);
                plan[k] = new Planned(false, plan[of].CopyOf >= 0 ? plan[of].CopyOf : of, roll < ExactCopyShare);
            }
            else plan[k] = new Planned(roll < ExactCopyShare + NearCopyShare + ChartShare, -1, false);
        }
        return plan;
    }

    private static PoolImage Save(string root, int k, string extension, byte[] bytes, int width, int height, int copyOf, bool exact)
    {
        var path = $"images/{k / 1000:D3}/{k:D7}{extension}";
        var file = System.IO.Path.Combine(root, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return new PoolImage(path, width, height, copyOf, exact);
    }
}

using System.Numerics;
using MMForge.Media;

namespace MMForge.Bench;

/// <summary>
/// Calibrates the near-duplicate pHash distance k: how far the edits that make near duplicates
/// in real corpora (re-encoding, resizing, small crops, brightness, grey copies) move the pHash
/// of each of the 26 sample images, against how close distinct sample images come. A mirror
/// image is the control: a different picture to a model, and it should stay far.
/// </summary>
public sealed class PhashThresholdBench : IBenchmark
{
    public string Name => "phash-k";
    public string Usage => "phash-k [--shared DIR]: pHash distances of edited copies of the sample images vs. distinct images, per k";

    private sealed record Rgb(int Width, int Height, byte[] Pixels);

    private static readonly (string Name, Func<Rgb, byte[]> Edit)[] Edits =
    [
        ("JPEG q90", rgb => Jpeg(rgb, 90)),
        ("JPEG q75", rgb => Jpeg(rgb, 75)),
        ("JPEG q50", rgb => Jpeg(rgb, 50)),
        ("resize 1/2 + JPEG q90", rgb => Jpeg(Shrink(rgb, 2), 90)),
        ("resize 1/4 + JPEG q90", rgb => Jpeg(Shrink(rgb, 4), 90)),
        ("crop 2% per side", rgb => Jpeg(Crop(rgb, 0.02), 90)),
        ("crop 5% per side", rgb => Jpeg(Crop(rgb, 0.05), 90)),
        ("crop 10% per side", rgb => Jpeg(Crop(rgb, 0.10), 90)),
        ("brightness +20", rgb => Jpeg(Map(rgb, v => v + 20), 90)),
        ("contrast x1.2", rgb => Jpeg(Map(rgb, v => (int)((v - 128) * 1.2 + 128)), 90)),
        ("grey copy", rgb => Jpeg(Grey(rgb), 90)),
        ("mirror (control: a different image)", rgb => Jpeg(Mirror(rgb), 90)),
    ];

    public int Run(BenchArgs args)
    {
        var reference = args.Shared("--shared");
        var rows = File.ReadLines(Path.Combine(reference, "spec", "phash_reference.tsv")).Where(l => !l.StartsWith('#'))
            .Select(l => l.Split('\t')).Select(f => (Path: f[0], Phash: Convert.ToUInt64(f[1], 16))).ToList();
        var originals = rows.Select(r => ToRgb(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(reference, "samples", r.Path))))).ToList();

        Console.WriteLine($"pHash distance from each of the {rows.Count} sample images to its edited copy");
        Console.WriteLine($"{"edit",-38} {"min",4} {"median",6} {"max",4}   copies within k = 4 / 6 / 8 / 10");
        foreach (var (name, edit) in Edits)
        {
            var distances = originals.Select((rgb, i) => Distance(rows[i].Phash, Hash(edit(rgb)))).Order().ToList();
            string Within(int k) => $"{distances.Count(d => d <= k),2}";
            Console.WriteLine($"{name,-38} {distances[0],4} {distances[distances.Count / 2],6} {distances[^1],4}   {Within(4)} / {Within(6)} / {Within(8)} / {Within(10)} of {distances.Count}");
        }

        var distinct = new List<int>();
        var known = new HashSet<string> { "img1.png|img4.png", "img2.jpg|img5.jpg", "img3.jpg|img6.jpg", "img3.jpg|img7.jpg", "img6.jpg|img7.jpg", "img_pair_1.jpg|img_pair_2.jpg", "terrain2.png|terrain2_gray.png" };
        for (var i = 0; i < rows.Count; i++)
            for (var j = i + 1; j < rows.Count; j++)
                if (!known.Contains(Path.GetFileName(rows[i].Path) + "|" + Path.GetFileName(rows[j].Path)))
                    distinct.Add(Distance(rows[i].Phash, rows[j].Phash));
        distinct.Sort();
        Console.WriteLine($"\n{distinct.Count} pairs of distinct sample images: min {distinct[0]}, 1st percentile {distinct[distinct.Count / 100]}, median {distinct[distinct.Count / 2]}; " +
                          $"within k = 4 / 6 / 8 / 10 / 12: {string.Join(" / ", new[] { 4, 6, 8, 10, 12 }.Select(k => distinct.Count(d => d <= k)))}");
        return 0;
    }

    private static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    private static ulong Hash(byte[] jpeg) => ImageHashes.Phash(PillowGray.Convert(ImageDecoder.Decode(jpeg)));

    private static byte[] Jpeg(Rgb rgb, int quality) => JpegEncoder.Encode(rgb.Pixels, rgb.Width, rgb.Height, TurboJpegNative.PixelFormatRgb, quality);

    /// <summary>RGB from any decoded layout: grey replicated, alpha dropped (as the sample's hash ignores it).</summary>
    private static Rgb ToRgb(DecodedImage image)
    {
        var rgb = new byte[image.Width * image.Height * 3];
        for (int p = 0, s = 0; p < image.Width * image.Height; p++, s += image.Channels)
            for (var c = 0; c < 3; c++) rgb[p * 3 + c] = image.Pixels[s + (image.Channels >= 3 ? c : 0)];
        return new Rgb(image.Width, image.Height, rgb);
    }

    /// <summary>Box-filter reduction by an integer factor.</summary>
    private static Rgb Shrink(Rgb rgb, int factor)
    {
        int w = rgb.Width / factor, h = rgb.Height / factor;
        var pixels = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    for (var dy = 0; dy < factor; dy++)
                        for (var dx = 0; dx < factor; dx++) sum += rgb.Pixels[((y * factor + dy) * rgb.Width + x * factor + dx) * 3 + c];
                    pixels[(y * w + x) * 3 + c] = (byte)(sum / (factor * factor));
                }
        return new Rgb(w, h, pixels);
    }

    private static Rgb Crop(Rgb rgb, double share)
    {
        int left = (int)(rgb.Width * share), top = (int)(rgb.Height * share);
        int w = rgb.Width - 2 * left, h = rgb.Height - 2 * top;
        var pixels = new byte[w * h * 3];
        for (var y = 0; y < h; y++) Array.Copy(rgb.Pixels, ((y + top) * rgb.Width + left) * 3, pixels, y * w * 3, w * 3);
        return new Rgb(w, h, pixels);
    }

    private static Rgb Map(Rgb rgb, Func<int, int> f) => rgb with { Pixels = rgb.Pixels.Select(v => (byte)Math.Clamp(f(v), 0, 255)).ToArray() };

    private static Rgb Grey(Rgb rgb)
    {
        var pixels = new byte[rgb.Pixels.Length];
        for (var p = 0; p < pixels.Length; p += 3)
            pixels[p] = pixels[p + 1] = pixels[p + 2] = (byte)((rgb.Pixels[p] * 19595 + rgb.Pixels[p + 1] * 38470 + rgb.Pixels[p + 2] * 7471 + 0x8000) >> 16);
        return rgb with { Pixels = pixels };
    }

    private static Rgb Mirror(Rgb rgb)
    {
        var pixels = new byte[rgb.Pixels.Length];
        for (var y = 0; y < rgb.Height; y++)
            for (var x = 0; x < rgb.Width; x++)
                for (var c = 0; c < 3; c++) pixels[(y * rgb.Width + x) * 3 + c] = rgb.Pixels[(y * rgb.Width + rgb.Width - 1 - x) * 3 + c];
        return rgb with { Pixels = pixels };
    }
}

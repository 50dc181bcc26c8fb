using System.Security.Cryptography;
using System.Text.Json;
using MMForge.Exports;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Tests.Support;

namespace MMForge.Tests.Exports;

/// <summary>
/// Exports whose images are placed by several worker threads at once: thousands of samples over
/// the eleven data-juicer images, which hold seven distinct contents (img1 = img4, img2 = img5,
/// img3 = img6 = img7), so workers meet the same file, and different files of the same content,
/// at the same moments. Whatever the threads' timing, the export must be the one a single worker
/// writes.
/// </summary>
public sealed class ParallelExportTests
{
    /// <summary>Twelve batches of 512 records: four workers each place a batch's images at once.</summary>
    private const int Samples = 6_000;

    /// <summary>Samples showing it also have a system turn, which LLaVA-OneVision refuses: their image must not be copied.</summary>
    private const string RefusedImage = "blip.jpg";

    /// <summary>Deleted after ingest: samples showing it are rejected as image-missing at export.</summary>
    private const string MissingImage = "img_pair_2.jpg";

    private static readonly List<string> ImageNames =
        Directory.GetFiles(TestPaths.Sample("data-juicer", "images")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Sample i shows image i (cycling); every seventh a second one, some of them the missing image after a present one.</summary>
    private static string[] ImagesOf(int i) =>
        i % 7 == 3 ? [ImageNames[i % ImageNames.Count], ImageNames[i / 7 % ImageNames.Count]] : [ImageNames[i % ImageNames.Count]];

    private static bool Refused(string[] images) => images.Contains(RefusedImage);

    /// <summary>The records (LLaVA), their images copied into the test's folder, ingested; then the missing image is deleted.</summary>
    internal static (string Dataset, string Images) Build(TempDir dir)
    {
        var images = Directory.CreateDirectory(dir.File("source-images")).FullName;
        foreach (var name in ImageNames) File.Copy(TestPaths.Sample("data-juicer", "images", name), Path.Combine(images, name));
        File.WriteAllLines(dir.File("records.jsonl"), Enumerable.Range(0, Samples).Select(i =>
        {
            var shown = ImagesOf(i);
            var turns = new List<object>();
            if (Refused(shown)) turns.Add(new { from = "system", value = "Be brief." });
            turns.Add(new { from = "human", value = string.Concat(shown.Select(_ => "<image>\n")) + $"What is in picture {i}?" });
            turns.Add(new { from = "gpt", value = $"Picture {i} shows {shown[0]}." });
            return JsonSerializer.Serialize(new { id = $"s{i}", image = shown, conversations = turns });
        }));
        var dataset = dir.File("ds");
        Assert.Equal(Samples, Ingest.Run(dataset, [new SourceRequest(dir.File("records.jsonl")) { ImageRoot = images }]).Records);
        File.Delete(Path.Combine(images, MissingImage));
        return (dataset, images);
    }

    private static ExportResult Export(string dataset, string outDir, string format, ImageMode images, int workers) =>
        new ExportJob(new ExportOptions { Format = TrainerFormat.Find(format), Images = images, Workers = workers }).Run(dataset, outDir);

    [Fact]
    public void OneAndFourWorkersWriteTheSameBytesInEveryLayout()
    {
        using var dir = TestPaths.NewTempDir();
        var (dataset, _) = Build(dir);
        foreach (var (format, images) in new[]
                 {
                     ("llava-onevision", ImageMode.Copy), ("llama-factory", ImageMode.Copy), ("internvl", ImageMode.Hardlink),
                     ("infinity-mm", ImageMode.Relative), ("webdataset", ImageMode.Copy),
                 })
        {
            var one = Export(dataset, dir.File($"{format}-1"), format, images, workers: 1);
            var four = Export(dataset, dir.File($"{format}-4"), format, images, workers: 4);
            Assert.True(four.Manifest.Parts[0].RejectedByRule.ContainsKey(ImagePlacer.MissingRule), format); // the test meets rejects on worker threads
            var (a, b) = (ExportSource.Files(dir.File($"{format}-1")), ExportSource.Files(dir.File($"{format}-4")));
            Assert.Equal(a.Keys, b.Keys); // export.json included: its counts too
            foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{format}: {name} differs");
            Assert.Equal(one.LinkFallbackReason, four.LinkFallbackReason);
        }
    }

    [Fact]
    public void EachContentIsStoredOnceAndCountedExactlyHoweverTheWorkersMeet()
    {
        using var dir = TestPaths.NewTempDir();
        var (dataset, images) = Build(dir);
        string Content(string name) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(images, name))));

        // what one worker in input order would place: every image of a written sample, and those before the missing one of a rejected sample
        var samples = Enumerable.Range(0, Samples).Select(ImagesOf).ToList();
        var placed = samples.Where(s => !Refused(s)).SelectMany(s => s.TakeWhile(name => name != MissingImage)).ToList();
        var contents = placed.Select(Content).ToHashSet();
        Assert.Equal(5, contents.Count); // seven contents, less the refused image's and the missing one's
        var missing = samples.Count(s => !Refused(s) && s.Contains(MissingImage));

        foreach (var mode in new[] { ImageMode.Copy, ImageMode.Hardlink })
        {
            var outDir = dir.File("out-" + mode);
            var result = Export(dataset, outDir, "llava-onevision", mode, workers: 4);

            var stored = Directory.GetFiles(Path.Combine(outDir, ImagePlacer.Folder), "*", SearchOption.AllDirectories);
            var storedContents = stored.Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).ToList();
            Assert.Equal(contents.Order(), storedContents.Order()); // each content exactly once, the refused image's not at all
            Assert.All(stored, f => Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))[..32], Path.GetFileName(f)));
            Assert.Empty(Directory.GetFileSystemEntries(dir.Path, "*.tmp-*", SearchOption.AllDirectories));

            var counts = result.Manifest.ImageCounts;
            var written = mode == ImageMode.Copy ? (counts.Copied, counts.Linked) : (counts.Linked, counts.Copied);
            Assert.Equal((contents.Count, 0L), written);
            Assert.Equal((placed.Count - contents.Count, 0L, 0L), (counts.Deduplicated, counts.LinkFallbacks, counts.Referenced));

            var part = result.Manifest.Parts.Single();
            Assert.Equal(new SortedDictionary<string, long>
            {
                [ImagePlacer.MissingRule] = missing,
                [RecordProcessor.UnwritableRule] = samples.Count(Refused),
            }, part.RejectedByRule);
            Assert.Equal(Samples - part.Rejected, part.Records);
        }
    }

    [Fact]
    public void ThreadsPlacingTheSameImagesAtOnceWriteEachContentOnce()
    {
        using var dir = TestPaths.NewTempDir();
        var images = Directory.CreateDirectory(dir.File("source-images")).FullName;
        foreach (var name in ImageNames) File.Copy(TestPaths.Sample("data-juicer", "images", name), Path.Combine(images, name));
        var outDir = Directory.CreateDirectory(dir.File("out")).FullName;
        var placer = new ImagePlacer(ImageMode.Copy, outDir, outDir);
        // each file's twin: the next file of the same content (itself when it has none)
        var twins = ImageNames.GroupBy(n => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(images, n)))))
            .SelectMany(g => g.Select((n, i) => (n, Twin: g.ElementAt((i + 1) % g.Count())))).ToDictionary(p => p.n, p => p.Twin);
        const int threads = 8, rounds = 20;
        var start = new Barrier(threads);

        var placedNames = new string[threads][];
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            // all in step: at each moment the even threads place one file and the odd ones another file of the same content
            var order = ImageNames.Select(n => t % 2 == 0 ? n : twins[n]).Select(n => new MMForge.Records.ImageRef { Path = Path.Combine(images, n) }).ToList();
            start.SignalAndWait();
            try
            {
                for (var r = 0; r < rounds; r++) placedNames[t] = placer.Place(order).Select(i => i.Path!).ToArray();
            }
            catch (Exception e) { failures.Add(e); }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(failures);

        var stored = Directory.GetFiles(Path.Combine(outDir, ImagePlacer.Folder), "*", SearchOption.AllDirectories);
        Assert.Equal(7, stored.Length);
        Assert.Equal((7L, threads * rounds * ImageNames.Count - 7L), (placer.Counts.Copied, placer.Counts.Deduplicated));
        Assert.All(placedNames.SelectMany(n => n), path => Assert.Contains(Path.Combine(outDir, path), stored));
    }

    [Fact]
    public void AKeyWhoseActionFailedOnItsInputIsRunAgainForTheNextCaller()
    {
        var once = new OncePerKey();
        var runs = 0;
        using var firstStarted = new ManualResetEventSlim();
        using var letFirstFail = new ManualResetEventSlim();
        Exception? firstFailure = null;
        var first = new Thread(() =>
        {
            try
            {
                once.Run("k", () =>
                {
                    firstStarted.Set();
                    letFirstFail.Wait();
                    throw new RecordException(ImagePlacer.UnreadableRule, "cannot be read");
                });
            }
            catch (Exception e) { firstFailure = e; }
        });
        first.Start();
        firstStarted.Wait(TestContext.Current.CancellationToken);
        // asks while the first holds the key: it waits, sees the first fail on its input, and runs its own action
        var second = new Thread(() => once.Run("k", () => Interlocked.Increment(ref runs)));
        second.Start();
        letFirstFail.Set();
        first.Join();
        second.Join();

        Assert.Equal(ImagePlacer.UnreadableRule, Assert.IsType<RecordException>(firstFailure).Rule);
        Assert.Equal(1, runs);
        once.Run("k", () => Interlocked.Increment(ref runs)); // done now: not run again
        Assert.Equal(1, runs);
    }
}

using System.Diagnostics;
using MMForge.Formats;
using MMForge.Media;
using MMForge.Models;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Synthesis;
using MMForge.Synthesis.Vlm;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.Taxonomy;

namespace MMForge.Bench;

/// <summary>
/// The whole synthesis path (<see cref="SynthesisJob"/>: tags -> types -> few-shot retrieval ->
/// question, relevance, answer, score through the model client with its cache and the journal,
/// then the writing pass) against the fake VLM in a child process on 127.0.0.1. Every target
/// image is a distinct small JPEG, so no request repeats another. Reports requests/s against
/// the ideal concurrency / latency, and the CPU milliseconds per request of this process (the
/// synthesis path) and of the server apart.
/// </summary>
public sealed class SynthesisBench : IBenchmark
{
    private const int Side = 96, SeedsPerType = 20, TypeCount = 10, TagsPerType = 4;

    public string Name => "synthesis";

    public string Usage => "synthesis [--images 3000] [--latency-ms 0] [--jitter-percent 0] [--concurrency 256] [--types 2]: requests/s through the Infinity-MM method against a fake VLM";

    public int Run(BenchArgs args)
    {
        var images = args.Int("--images", 3000);
        var latencyMs = args.Int("--latency-ms", 0);
        var jitter = args.Int("--jitter-percent", 0);
        var concurrency = args.Int("--concurrency", 256);
        var typesPerImage = args.Int("--types", 2);
        var dir = args.WorkDir(Name);
        foreach (var stale in Directory.EnumerateFileSystemEntries(dir)) if (File.Exists(stale)) File.Delete(stale); else Directory.Delete(stale, true);

        var types = InstructionTaxonomy.Default.Leaves.Take(TypeCount).Select(l => l.Id).ToArray();
        var seedDir = Dataset(dir, "seed", Enumerable.Range(0, TypeCount * SeedsPerType).Select(i => Seed(dir, i, types)));
        var inputDir = Dataset(dir, "input", Enumerable.Range(0, images).Select(i => Target(dir, i)));
        var seeds = SeedIndex.Read(Open(seedDir), TypeLevel.L3);
        var correspondence = CorrespondenceModel.Fit(Read(seedDir), new CorrespondenceOptions { MinSupport = 1 });
        Console.WriteLine($"synthesis: {images:N0} images of {Side}x{Side}, {seeds.Count} seeds over {TypeCount} types, {typesPerImage} types per image, latency {latencyMs} ms{(jitter > 0 ? $" +-{jitter}%" : "")}, {concurrency} in flight");

        using var server = StartServer(latencyMs, jitter);
        using var cache = new ModelCache(Path.Combine(dir, "cache.sqlite"));
        var client = new ModelClient([new ModelEndpoint(server.Url, "fake-vlm")], new ModelClientOptions { MaxConcurrency = concurrency }, cache);
        var generator = new InfinityMmGenerator(client, correspondence, seeds, new PromptTemplates(InfinityMmGenerator.GeneratorName, InfinityMmGenerator.Prompts),
            new InfinityMmOptions { TypesPerImage = typesPerImage }, InstructionTaxonomy.Default);
        var job = new SynthesisJob(generator, new SynthesisOptions { JournalPath = Path.Combine(dir, "journal.sqlite"), ImagesInFlight = 2 * concurrency }, () => client.Usage);

        var baseline = BareClientRate(server.Url, concurrency, latencyMs > 0 ? concurrency * 20 : 20_000, DistinctJpeg("baseline"));
        Console.WriteLine($"  baseline, the bare client ({concurrency} workers sending one small image and a line each, no cache): {baseline.Rate:N0} requests/s"
                          + (latencyMs > 0 ? $" = {baseline.Rate / (concurrency * 1000.0 / latencyMs):P1} of the ideal" : "") + $", {baseline.MeanLatency.TotalMilliseconds:F1} ms per request");

        SynthesisProgress? generated = null;
        var ticks = new List<(double Seconds, long Calls)>();
        var serverCpuBefore = ChildRun.ReadCpuTime(server.Process.Id) ?? TimeSpan.Zero;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Manifest manifest;
        using (var output = new DatasetOutput(Path.Combine(dir, "out"), new DatasetWriterOptions()))
            manifest = job.Run(Open(inputDir), output, p =>
            {
                generated = p;
                ticks.Add((p.Elapsed.TotalSeconds, p.Usage!.HttpCalls));
            });
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var serverCpu = (ChildRun.ReadCpuTime(server.Process.Id) ?? TimeSpan.Zero) - serverCpuBefore;

        var requests = client.Usage.HttpCalls;
        var generation = generated!.Elapsed.TotalSeconds;
        var ideal = latencyMs > 0 ? concurrency * 1000.0 / latencyMs : double.NaN;
        Console.WriteLine($"  {requests:N0} requests, {manifest.Records:N0} samples written, {client.Usage.Failures} failures, {client.Usage.Retries} retries");
        Console.WriteLine($"  generation pass: {generation:F1} s, {requests / generation:N0} requests/s"
                          + (latencyMs > 0 ? $" = {requests / generation / ideal:P1} of the ideal {ideal:N0}/s" : ""));
        // the rate between a fifth and four fifths of the requests: without the start (connections, JIT) and the drain of the last images
        var (from, to) = (ticks.First(t => t.Calls >= requests / 5), ticks.Last(t => t.Calls <= requests * 4 / 5));
        var steady = (to.Calls - from.Calls) / (to.Seconds - from.Seconds);
        Console.WriteLine($"  steady state ({from.Seconds:F1}-{to.Seconds:F1} s): {steady:N0} requests/s" + (latencyMs > 0 ? $" = {steady / ideal:P1} of the ideal" : "")
                          + $", {steady / baseline.Rate:P0} of the bare client");
        Console.WriteLine($"  whole run (with the writing pass): {clock.Elapsed.TotalSeconds:F1} s, {requests / clock.Elapsed.TotalSeconds:N0} requests/s");
        Console.WriteLine($"  CPU per request: {cpu.TotalMilliseconds / requests:F3} ms in the synthesis path, {serverCpu.TotalMilliseconds / requests:F3} ms in the fake server");
        // a fast run that lost images would be no result at all
        if (manifest.Rejected > 0 || manifest.Records < images)
        {
            Console.WriteLine($"  FAILED: {manifest.Rejected:N0} images rejected ({string.Join(", ", manifest.RejectsByRule.Keys)}), {manifest.Records:N0} samples for {images:N0} images");
            return 1;
        }
        return 0;
    }

    /// <summary>
    /// Requests/s of the model client alone, <paramref name="workers"/> loops each sending the same
    /// kind of request (distinct by a counter), and the mean time a request took.
    /// </summary>
    private static (double Rate, TimeSpan MeanLatency) BareClientRate(Uri url, int workers, int requests, byte[] image)
    {
        var client = new ModelClient([new ModelEndpoint(url, "fake-vlm")], new ModelClientOptions { MaxConcurrency = workers });
        var part = new ImagePart(image);
        var next = 0;
        long ticks = 0;
        var clock = Stopwatch.StartNew();
        Task.WaitAll([.. Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var n && n <= requests)
            {
                var started = Stopwatch.GetTimestamp();
                await client.CompleteAsync(new ModelRequest([ModelMessage.User(part, new TextPart($"How well does the question fit, number {n}?"))]) { MaxOutputTokens = 32 });
                Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - started);
            }
        }))]);
        return (requests / clock.Elapsed.TotalSeconds, TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency / requests));
    }

    private sealed class ServerProcess(Process process, Uri url) : IDisposable
    {
        public Process Process { get; } = process;
        public Uri Url { get; } = url;

        public void Dispose()
        {
            Process.StandardInput.Close();
            if (!Process.WaitForExit(10_000)) Process.Kill();
            Process.Dispose();
        }
    }

    private static ServerProcess StartServer(int latencyMs, int jitterPercent)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var a in new[] { typeof(SynthesisBench).Assembly.Location, "fake-vlm-server", "--latency-ms", latencyMs.ToString(), "--jitter-percent", jitterPercent.ToString() }) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the fake VLM server did not start");
        return new ServerProcess(process, new Uri(line["listening ".Length..]));
    }

    private static string[] TagsOf(int type) => [.. Enumerable.Range(0, TagsPerType).Select(t => RamTags[(type * TagsPerType + t) % RamTags.Length])];

    private static readonly string[] RamTags = ["dog", "cat", "sky", "cloud", "car", "street", "tree", "grass", "book", "table", "food", "plate",
        "beach", "sea", "mountain", "snow", "bird", "flower", "chart", "text", "sign", "building", "bus", "train", "horse", "boat", "computer", "phone",
        "chair", "bed", "kitchen", "bridge", "road", "person", "child", "ball", "field", "river", "lake", "city"];

    private static Sample Seed(string dir, int i, string[] types)
    {
        var type = i % TypeCount;
        var sample = Image(dir, $"seed-{i}", $"images/seed/{i}.jpg", TagsOf(type).Take(2 + i % 3));
        sample.Turns.Add(new Turn(Roles.Human, $"<image>\nSeed question {i} of type {type}?"));
        sample.Turns.Add(new Turn(Roles.Gpt, "An answer."));
        sample.InstructionTags.Add(new InstructionTag(types[type], 0.9, "bench"));
        return sample;
    }

    private static Sample Target(string dir, int i)
    {
        var random = new Random(i);
        var sample = Image(dir, $"img-{i}", $"images/input/{i}.jpg", TagsOf(random.Next(TypeCount)).Take(3).Concat(TagsOf(random.Next(TypeCount)).Take(2)));
        sample.Turns.Add(new Turn(Roles.Human, "<image>\nWhat is this?"));
        sample.Turns.Add(new Turn(Roles.Gpt, "A picture."));
        return sample;
    }

    /// <summary>A sample of a new JPEG written under <paramref name="dir"/> at <paramref name="path"/>.</summary>
    private static Sample Image(string dir, string id, string path, IEnumerable<string> tags)
    {
        var file = Path.Combine(dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, DistinctJpeg(id));
        var sample = new Sample { Id = id };
        sample.Images.Add(ImageRef.FromPath(path));
        foreach (var tag in tags.Distinct()) sample.ImageTags.Add(new ImageTag(tag, 0.9, "ram++"));
        return sample;
    }

    /// <summary>
    /// A small JPEG whose pixels follow from the id (a gradient at an angle and phase of its own),
    /// so every image, and every request about it, differs; smooth, so it is as small as a
    /// thumbnail of a photo (a few kB) and the run measures the engine rather than base64.
    /// </summary>
    private static byte[] DistinctJpeg(string id)
    {
        var hash = (uint)StringComparer.Ordinal.GetHashCode(id);
        var (dx, dy, phase) = (1 + hash % 7, 1 + (hash >> 3) % 5, (int)(hash >> 8) % 256);
        var pixels = new byte[Side * Side * 3];
        for (var y = 0; y < Side; y++)
            for (var x = 0; x < Side; x++)
            {
                var i = (y * Side + x) * 3;
                pixels[i] = (byte)(phase + x * dx);
                pixels[i + 1] = (byte)(phase + y * dy);
                pixels[i + 2] = (byte)(x * dx + y * dy);
            }
        return JpegEncoder.Encode(pixels, Side, Side, TurboJpegNative.PixelFormatRgb, 85);
    }

    private static string Dataset(string dir, string name, IEnumerable<Sample> samples)
    {
        var file = Path.Combine(dir, name + ".jsonl");
        using (var writer = MMForge.Formats.Writers.SampleWriters.Open(file, "mmforge", FormatRegistry.Default))
        {
            foreach (var sample in samples) writer.Write(sample);
            writer.Complete();
        }
        var datasetDir = Path.Combine(dir, name);
        using var output = new DatasetOutput(datasetDir, new DatasetWriterOptions());
        new RecordJob(new JobOptions { Stage = "ingest" }).Run(
            [.. new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(file) { ImageRoot = dir, SourceName = name })], output);
        return datasetDir;
    }

    private static List<OpenedSource> Open(string datasetDir) => [.. new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(datasetDir))];

    private static IEnumerable<Sample> Read(string datasetDir) =>
        Open(datasetDir).SelectMany(s => s.Records.Select(raw => RecordDecoder.Decode(raw, s.Codec).Sample).OfType<Sample>());
}

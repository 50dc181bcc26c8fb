using System.Diagnostics;
using MMForge.Records;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.Statistics;

namespace MMForge.Bench;

/// <summary>
/// The correspondence model: fitting and tag statistics per seed sample, and scoring per image,
/// each against the least work over the same tags (spelling every tag and collecting the
/// sample's distinct tags; looking every image tag up in a dictionary).
/// </summary>
public sealed class MapBench : IBenchmark
{
    public string Name => "map";
    public string Usage => "map [--samples N (default 200000)] [--types N (default 200)] [--vocab ram_tag_list.txt]: correspondence fit and tag statistics samples/s, scoring images/s, against same-run baselines";

    public int Run(BenchArgs args)
    {
        var count = args.Int("--samples", 200_000);
        var typeCount = args.Int("--types", 200);
        var vocabulary = File.ReadAllLines(args.Shared("--vocab", "vocab", "ram", "ram_tag_list.txt")).Where(t => t.Length > 0).ToArray();
        var samples = Generate(count, typeCount, vocabulary);
        var tags = samples.Sum(s => s.ImageTags.Count);
        Console.WriteLine($"mmforge map benchmark, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"input: {count:N0} seed samples, {(double)tags / count:F1} RAM++ tags each (vocabulary {vocabulary.Length:N0}), {typeCount} L3 types");

        var baseline = Best(() => Timed.Of(() => DistinctTags(samples)));
        CorrespondenceModel model = null!;
        var fit = Best(() => Timed.Of(() => model = CorrespondenceModel.Fit(samples, new CorrespondenceOptions())));
        var statistics = Best(() => Timed.Of(() => Statistics(samples)));
        Console.WriteLine($"  baseline spell + collect each sample's distinct tags: {Rate(count, baseline)}");
        Console.WriteLine($"  fit:             {Rate(count, fit)}, {fit.Cpu / baseline.Cpu:F2}x the baseline's CPU time; model.json {model.ToJson().Length / 1e6:F1} MB");
        Console.WriteLine($"  tag statistics:  {Rate(count, statistics)}, {statistics.Cpu / baseline.Cpu:F2}x the baseline's CPU time");

        var images = samples.Take(50_000).Select(CorrespondenceModel.TagsOf).ToList();
        var weights = model.Types.SelectMany(t => t.Tags).GroupBy(t => t.Tag).ToDictionary(g => g.Key, g => g.Count());
        var lookup = Best(() => Timed.Of(() => Lookups(images, weights)));
        var score = Best(() => Timed.Of(() => { foreach (var image in images) model.Score(image); }));
        var choose = Best(() => Timed.Of(() => { foreach (var (image, i) in images.Select((x, i) => (x, i))) TypeChooser.Choose(model.Score(image), 2, 0.1, 0, "s" + i); }));
        Console.WriteLine($"  baseline look every image tag up: {Rate(images.Count, lookup)}");
        Console.WriteLine($"  score:            {Rate(images.Count, score)}, {score.Cpu / lookup.Cpu:F1}x the baseline's CPU time");
        Console.WriteLine($"  score + choose 2: {Rate(images.Count, choose)}");
        return 0;
    }

    /// <summary>Seed samples whose tags lean towards their type: half from the type's own 30 tags, half from the whole vocabulary.</summary>
    private static List<Sample> Generate(int count, int types, string[] vocabulary)
    {
        var random = new Random(1);
        var samples = new List<Sample>(count);
        for (var i = 0; i < count; i++)
        {
            var type = random.Next(types);
            var sample = new Sample();
            for (var j = 0; j < 16; j++)
            {
                var tag = j % 2 == 0 ? vocabulary[(type * 23 + random.Next(30)) % vocabulary.Length] : vocabulary[random.Next(vocabulary.Length)];
                sample.ImageTags.Add(new ImageTag(tag, 1 + random.NextDouble() * 9, "ram++"));
            }
            sample.InstructionTags.Add(new InstructionTag($"l1-{type % 6}/l2-{type % 22}/type-{type}", null, null));
            samples.Add(sample);
        }
        return samples;
    }

    private static int DistinctTags(List<Sample> samples)
    {
        var total = 0;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            set.Clear();
            foreach (var tag in sample.ImageTags) set.Add(tag.Tag.Trim().ToLowerInvariant());
            total += set.Count;
        }
        return total;
    }

    private static void Statistics(List<Sample> samples)
    {
        var statistics = new TagStatistics();
        foreach (var sample in samples) statistics.Add(sample);
    }

    private static long Lookups(List<IReadOnlyList<(string Tag, double Score)>> images, Dictionary<string, int> weights)
    {
        var hits = 0L;
        foreach (var image in images)
            foreach (var (tag, _) in image)
                hits += weights.GetValueOrDefault(tag.Trim().ToLowerInvariant());
        return hits;
    }

    private static Timed Best(Func<Timed> run)
    {
        var first = run();
        var second = run();
        return second.Cpu < first.Cpu ? second : first;
    }

    private static string Rate(int items, Timed time) => $"{items / time.Wall:N0}/s ({time.Wall:F2}s wall, {time.Cpu:F2} CPU-s)";
}

using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.Correspondence;

/// <summary>
/// A generated seed set with planted correlations: each instruction type's samples carry some
/// of its own RAM++ tags, every sample carries common "noise" tags, and each also carries a few
/// random tags from the real RAM++ vocabulary. Scores are RAM++ raw-like (up to ~10) on half
/// the samples and 0..1 confidences on the other half.
/// </summary>
public static class PlantedSeed
{
    public const string Charts = "logic-reasoning/structuralized-image-text-understanding/parse-bar-pie-line-charts";
    public const string Ocr = "fine-grained-perception-single-instance/ocr/recognize-printed-text";
    public const string Animals = "fine-grained-perception-single-instance/object-recognition/identify-animals";
    public const string Weather = "coarse-perception/image-scene/identify-weather-condition";

    /// <summary>The tags planted in each type's images.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Planted = new Dictionary<string, string[]>
    {
        [Charts] = ["graph", "plot", "bar", "number"],
        [Ocr] = ["menu", "text", "sign", "document"],
        [Animals] = ["dog", "cat", "pet", "animal"],
        [Weather] = ["sky", "cloud", "rain"],
    };

    /// <summary>
    /// Further types, each with three tags of its own from the vocabulary, so the IDF is taken
    /// over a dozen documents rather than four (the real taxonomy has about two hundred).
    /// </summary>
    public static readonly IReadOnlyList<string> Fillers = Enumerable.Range(0, 8).Select(i => $"coarse-perception/image-style/filler-{i}").ToList();

    /// <summary>Tags on most images whatever their type.</summary>
    public static readonly string[] Noise = ["person", "indoor", "white", "wall"];

    private static readonly Lazy<string[]> Vocabulary = new(() =>
        File.ReadAllLines(Path.Combine(TestPaths.Shared, "vocab", "ram", "ram_tag_list.txt")).Where(t => t.Length > 0).ToArray());

    public static List<Sample> Samples(int count, int seed = 7)
    {
        var random = new Random(seed);
        var types = Planted.Keys.Concat(Fillers).ToArray();
        var samples = new List<Sample>();
        for (var i = 0; i < count; i++)
        {
            var sample = new Sample { Id = $"seed-{i}" };
            sample.Turns.Add(new Turn("human", "<image>\nWhat does this show?"));
            sample.Turns.Add(new Turn("gpt", "Something."));
            var type = types[i % types.Length];
            var raw = i % 2 == 0;
            double Score() => raw ? 1 + random.NextDouble() * 9 : 0.5 + random.NextDouble() * 0.5;
            var planted = Planted.GetValueOrDefault(type) ?? FillerTags(int.Parse(type[^1..]));
            var tags = planted.Where(_ => random.NextDouble() < 0.6).ToList();
            if (tags.Count == 0) tags.Add(planted[random.Next(planted.Length)]);
            tags.AddRange(Noise.Where(_ => random.NextDouble() < 0.8));
            tags.Add(Vocabulary.Value[random.Next(Vocabulary.Value.Length)]);
            tags.Add(Vocabulary.Value[random.Next(Vocabulary.Value.Length)]);
            foreach (var tag in tags.Distinct()) sample.ImageTags.Add(new ImageTag(tag, Score(), "ram++"));
            sample.InstructionTags.Add(new InstructionTag(type, 0.9, "test"));
            if (i % 10 == 0) // a few samples hold a second type; they count towards both
                sample.InstructionTags.Add(new InstructionTag(types[(i + 1) % types.Length], 0.6, "test"));
            samples.Add(sample);
        }
        return samples;
    }

    /// <summary>Three vocabulary tags of a filler type, far from the planted ones in the alphabet.</summary>
    private static string[] FillerTags(int filler) => [.. Enumerable.Range(0, 3).Select(j => Vocabulary.Value[3 * filler + j + 1000])];

    /// <summary>A sample carrying exactly these tags (no scores) and instruction paths, for hand-built sets.</summary>
    public static Sample Tagged(string[] tags, params string[] paths)
    {
        var sample = new Sample();
        foreach (var tag in tags) sample.ImageTags.Add(new ImageTag(tag, null, null));
        foreach (var path in paths) sample.InstructionTags.Add(new InstructionTag(path, null, null));
        return sample;
    }
}

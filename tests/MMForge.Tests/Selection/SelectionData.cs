using MMForge.Filters;
using MMForge.Formats;
using MMForge.Records;
using MMForge.Selection;
using MMForge.Tests.Support;

namespace MMForge.Tests.Selection;

/// <summary>
/// Datasets the selection tests write from samples they build: three sources of known shape.
/// "caps" (120): captions of type perception/coarse; its first 60 images are all tagged cat and
/// indoor, the others each with a tag of their own and outdoor. "vqa" (60): judgement questions
/// of type reasoning/logic, 40 answered "Yes" and 20 "No". "ocr" (20): perception/ocr. Image
/// sizes vary from 300x200 up to about 2000x1400.
/// </summary>
internal static class SelectionData
{
    public static readonly string[] AllSources = ["caps", "vqa", "ocr"];

    public static string Dataset(TempDir dir, string name, params string[] sources)
    {
        var samples = (sources.Length == 0 ? AllSources : sources).SelectMany(Samples).ToList();
        var jsonl = dir.File(name + ".jsonl");
        Read.WriteAll(jsonl, "mmforge", samples);
        Ingest.Run(dir.File(name), [new SourceRequest(jsonl)], new RuleSet(disable: ["image-missing"]));
        return dir.File(name);
    }

    private static IEnumerable<Sample> Samples(string source) => source switch
    {
        "caps" => Enumerable.Range(0, 120).Select(i => Make(source, i, "A photo of thing " + i + ".", "perception/coarse",
            i < 60 ? ["cat", "indoor"] : ["thing-" + i, "outdoor"])),
        "vqa" => Enumerable.Range(0, 60).Select(i => Make(source, i, i % 3 == 2 ? "No" : "Yes", "reasoning/logic", ["table"])),
        "ocr" => Enumerable.Range(0, 20).Select(i => Make(source, i, "The sign says " + i + ".", "perception/ocr", ["sign"])),
        _ => throw new ArgumentException(source),
    };

    public static (int Width, int Height) Size(int i) => (300 + i * 37 % 1700, 200 + i * 53 % 1200);

    private static Sample Make(string source, int i, string answer, string type, string[] tags)
    {
        var (width, height) = Size(i);
        var sample = new Sample { Id = $"{source}-{i:D3}", Source = source };
        sample.Images.Add(new ImageRef { Path = $"img/{source}-{i}.jpg", Width = width, Height = height });
        sample.Turns.Add(new Turn(Roles.Human, "<image>\nWhat is shown in picture " + i + "?"));
        sample.Turns.Add(new Turn(Roles.Gpt, answer));
        foreach (var tag in tags) sample.ImageTags.Add(new ImageTag(tag, 2.0, "test"));
        sample.InstructionTags.Add(new InstructionTag(type, null, "test"));
        return sample;
    }

    public static SelectionResult Select(string outDir, SelectOptions options, params string[] datasets) =>
        new SelectionJob(options with { Workers = 2 }).Run(
            datasets.SelectMany(d => new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(d))).ToList(), outDir);

    public static List<Sample> MixSamples(string outDir, string mix = "selected") => Ingest.Samples(Path.Combine(outDir, mix));

    public static Dictionary<string, int> BySource(IEnumerable<Sample> samples) =>
        samples.GroupBy(s => s.Source!).ToDictionary(g => g.Key, g => g.Count());
}

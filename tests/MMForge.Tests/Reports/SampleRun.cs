using System.Text.Json;
using MMForge.Recipes;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Reports;

/// <summary>
/// A run directory made by the real CLI from ../shared/samples: ingest (captions of the
/// data-juicer and LLaVA demo images written here, Qwen3-VL chart QA, sahi COCO, LLaVA GPT-4 QA
/// whose COCO images are not shipped), hash, dedup, tag, and a run.json listing those stages, as
/// the recipe runner writes it. Built once per test class.
/// </summary>
public sealed class SampleRun : IDisposable
{
    /// <summary>The conversation of the hostile sample: markup that must reach the page as text.</summary>
    public const string HostileQuestion = "<image>\nWhat is <script>console.error('injected')</script> in \"this\" picture & why?";
    public const string HostileId = "\"><img src=x onerror=console.error(1)>";

    public static readonly string[] Stages = ["ingest", "hash", "dedup", "tag"];

    private readonly TempDir _temp = TestPaths.NewTempDir();

    public string Dir => _temp.File("run");

    public string StageDir(string stage) => Path.Combine(Dir, stage);

    public SampleRun()
    {
        Directory.CreateDirectory(Dir);
        var captions = WriteCaptions();
        var repo = TestPaths.RepoRoot;
        Run("ingest", captions, TestPaths.Sample("Qwen3-VL", "qwen-vl-finetune", "demo", "single_images.json"), "--map", "demo/images/=images/",
            TestPaths.Sample("sahi", "tests", "data", "coco_utils", "combined_coco.json"), TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"),
            "--disable", "image-missing", "-o", StageDir("ingest"));
        Run("hash", StageDir("ingest"), "-o", StageDir("hash"));
        Run("dedup", StageDir("hash"), "-o", StageDir("dedup"));
        Run("tag", StageDir("dedup"), "-o", StageDir("tag"));
        new RunFile
        {
            Recipe = "recipes/sample.yaml",
            Stages = Stages.Select((name, i) => new RunStage
            {
                Name = name, Command = name, Kind = StageOutputKind.Dataset, Output = name, Inputs = i == 0 ? [] : [Stages[i - 1]], Fingerprint = "f" + i,
            }).ToList(),
        }.Save(Dir);
    }

    private static void Run(params string[] args)
    {
        var result = CliRunner.Run(TestPaths.RepoRoot, args);
        if (result.ExitCode > 1) throw new InvalidOperationException($"mmforge {args[0]} failed: {result.Stderr}");
    }

    /// <summary>
    /// Captions of the data-juicer images (their own captions where data-juicer ships them; img4-7
    /// repeat img1-3 byte for byte) and the LLaVA demo questions on its two demo images, plus a
    /// hostile sample and an empty record; the images are copied beside the file, their image root.
    /// </summary>
    private string WriteCaptions()
    {
        var images = _temp.File("images");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.GetFiles(TestPaths.Sample("data-juicer", "images")).Concat(Directory.GetFiles(TestPaths.Sample("LLaVA", "llava", "serve", "examples"))))
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var captions = new Dictionary<string, string>
        {
            ["img1.png"] = "A comfortable bed.", ["img4.png"] = "A comfortable bed.",
            ["img2.jpg"] = "A bus.", ["img5.jpg"] = "A bus.",
            ["img3.jpg"] = "Black and white photograph of a woman holding an umbrella.", ["img6.jpg"] = "Black and white photograph of a woman holding an umbrella.",
            ["img7.jpg"] = "Black and white photograph of a woman holding an umbrella.",
            ["blip.jpg"] = "A woman sitting on the beach with her dog.", ["cat.jpg"] = "A cat.",
            ["img_pair_1.jpg"] = "A photograph.", ["img_pair_2.jpg"] = "A photograph.",
        };
        var lines = captions.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => Record(c.Key, "images/" + c.Key, "<image>\nDescribe the image briefly.", c.Value)).ToList();
        lines.Add(Record("extreme_ironing", "images/extreme_ironing.jpg", "<image>\nWhat is unusual about this image?",
            "The unusual aspect of this image is a man ironing clothes on the back of a minivan or van, in the middle of a busy city street."));
        lines.Add(Record("waterview", "images/waterview.jpg", "<image>\nWhat are the things I should be cautious about when I visit here?",
            "When visiting this peaceful location with a pier extending over a serene lake, surrounded by mountains, be cautious about the weather and the water depth."));
        lines.Add(Record(HostileId, "images/cat.jpg", HostileQuestion, "A cat <b>sleeping</b> & \"dreaming\"."));
        lines.Add(JsonSerializer.Serialize(new { id = "empty", conversations = Array.Empty<object>() }));
        var path = _temp.File("captions.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Record(string id, string image, string question, string answer) =>
        JsonSerializer.Serialize(new { id, image, conversations = new[] { new { from = "human", value = question }, new { from = "gpt", value = answer } } });

    public void Dispose() => _temp.Dispose();
}

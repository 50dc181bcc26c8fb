using MMForge.Formats;
using MMForge.Models;
using MMForge.Records;
using MMForge.Synthesis;
using MMForge.Synthesis.Vlm;
using MMForge.Tagging.Correspondence;
using MMForge.Tagging.Taxonomy;
using MMForge.Tests.Support;

namespace MMForge.Tests.Synthesis.Vlm;

/// <summary>
/// A small real world for the VLM generator: a seed set and target images that are photos from
/// ../shared/samples, ingested as mmforge datasets, tagged with planted tags and instruction
/// types; and a correspondence model fitted on the seeds and saved as model.json. The tests
/// run it against <see cref="MMForge.FakeOpenAi.FakeVlm"/>.
/// </summary>
public sealed class VlmSynthesisSetup : IDisposable
{
    public const string Animals = "coarse-perception/image-topic/identify-animals";
    public const string Weather = "coarse-perception/image-scene/identify-weather-condition";
    public const string Ocr = "fine-grained-perception-single-instance/ocr/recognize-printed-text";

    private static readonly (string Image, string Type, string[] Tags, string Question)[] SeedRows =
    [
        ("data-juicer/images/cat.jpg", Animals, ["cat", "pet", "animal", "indoor"], "What kind of animal is lying on the bed?"),
        ("data-juicer/images/img1.jpg", Animals, ["dog", "animal", "grass"], "Which animal is running across the grass?"),
        ("data-juicer/images/img2.jpg", Animals, ["bird", "animal", "sky"], "What animal is perched on the branch?"),
        ("data-juicer/images/img3.jpg", Weather, ["sky", "cloud", "rain"], "Is it raining in this picture?"),
        ("data-juicer/images/blip.jpg", Weather, ["sky", "beach", "sun"], "What is the weather like at the beach?"),
        ("InternVL/images/image5.jpg", Weather, ["sky", "snow", "mountain"], "Has it been snowing here recently?"),
        ("LLaVA/llava/serve/examples/waterview.jpg", Ocr, ["sign", "text", "lake"], "What does the sign by the lake say?"),
        ("LLaVA/llava/serve/examples/extreme_ironing.jpg", Ocr, ["text", "street", "taxi"], "What is written on the taxi?"),
        ("data-juicer/images/img_pair_1.jpg", Ocr, ["document", "text"], "What is the title of the document?"),
    ];

    private static readonly (string Image, string[] Tags)[] TargetRows =
    [
        ("InternVL/images/image1.jpg", ["cat", "pet", "animal"]),
        ("InternVL/images/image2.jpg", ["sky", "cloud", "rain", "sign"]),
        ("InternVL/images/image3.jpg", ["text", "sign", "dog"]),
        ("InternVL/images/image4.jpg", ["animal", "sky", "text"]),
    ];

    /// <summary>
    /// Every picture of ../shared/samples with its own content (byte-identical copies left out), for
    /// runs long enough to be killed midway: no two images ask the model the same request, so a
    /// run's request count does not depend on which reply the cache had first.
    /// </summary>
    public static readonly string[] DistinctImages =
    [
        "InternVL/images/image1.jpg", "InternVL/images/image2.jpg", "InternVL/images/image3.jpg", "InternVL/images/image4.jpg", "InternVL/images/image5.jpg",
        "LLaVA/llava/serve/examples/extreme_ironing.jpg", "LLaVA/llava/serve/examples/waterview.jpg",
        "Qwen3-VL/qwen-vl-finetune/demo/images/10095.png", "Qwen3-VL/qwen-vl-finetune/demo/images/10149.png", "Qwen3-VL/qwen-vl-finetune/demo/images/COCO_train2014_000000580957.jpg",
        "data-juicer/images/blip.jpg", "data-juicer/images/cat.jpg", "data-juicer/images/img1.png", "data-juicer/images/img2.jpg", "data-juicer/images/img3.jpg",
        "data-juicer/images/img_pair_1.jpg", "data-juicer/images/img_pair_2.jpg",
        "imagehash/tests/data/imagehash.png", "imagehash/tests/data/peppers.png",
        "sahi/tests/data/coco_utils/terrain1.jpg", "sahi/tests/data/coco_utils/terrain2.png", "sahi/tests/data/coco_utils/terrain2_gray.png",
    ];

    private readonly TempDir temp = TestPaths.NewTempDir();

    /// <param name="targetImages">The images to synthesize for (default: the four targets), tagged in turn with the four targets' tags.</param>
    public VlmSynthesisSetup(IReadOnlyList<string>? targetImages = null)
    {
        var targets = targetImages?.Select((image, i) => (Image: image, TargetRows[i % TargetRows.Length].Tags)).ToArray() ?? TargetRows;
        SeedDir = Dataset("seed", SeedRows.Select((row, i) => Sample($"seed-{i}", row.Image, row.Tags, row.Question, row.Type)));
        InputDir = Dataset("input", targets.Select((row, i) => Sample($"img-{i}", row.Image, row.Tags, "Describe the image.", null)));
        Correspondence = CorrespondenceModel.Fit(Ingest.Samples(SeedDir), new CorrespondenceOptions { MinSupport = 1 });
        MapPath = temp.File("model.json");
        Correspondence.Save(MapPath);
    }

    public string SeedDir { get; }

    public string InputDir { get; }

    public string MapPath { get; }

    public CorrespondenceModel Correspondence { get; }

    /// <summary>The seed questions by type, for checking the few-shot examples.</summary>
    public static IReadOnlyDictionary<string, string[]> SeedQuestions { get; } =
        SeedRows.GroupBy(r => r.Type).ToDictionary(g => g.Key, g => g.Select(r => r.Question).ToArray());

    public string Path(string name) => temp.File(name);

    public static List<OpenedSource> Open(string datasetDir) => [.. new SourceOpener(FormatRegistry.Default).Open(new SourceRequest(datasetDir))];

    public SeedIndex Seeds() => SeedIndex.Read(Open(SeedDir), Correspondence.Options.Unit);

    public InfinityMmGenerator Generator(ModelClient client, InfinityMmOptions? options = null) =>
        new(client, Correspondence, Seeds(), new PromptTemplates(InfinityMmGenerator.GeneratorName, InfinityMmGenerator.Prompts), options ?? new InfinityMmOptions(), InstructionTaxonomy.Default);

    private string Dataset(string name, IEnumerable<Sample> samples)
    {
        var file = temp.File(name + ".jsonl");
        Read.WriteAll(file, "mmforge", samples);
        var dir = temp.File(name);
        Ingest.Run(dir, [new SourceRequest(file) { ImageRoot = TestPaths.Samples, SourceName = name }]);
        return dir;
    }

    private static Sample Sample(string id, string image, string[] tags, string question, string? type)
    {
        var sample = new Sample { Id = id };
        sample.Images.Add(ImageRef.FromPath(image));
        sample.Turns.Add(new Turn(Roles.Human, "<image>\n" + question));
        sample.Turns.Add(new Turn(Roles.Gpt, "An answer."));
        foreach (var tag in tags) sample.ImageTags.Add(new ImageTag(tag, 0.9, "ram++"));
        if (type is not null) sample.InstructionTags.Add(new InstructionTag(type, 0.9, "test"));
        return sample;
    }

    public void Dispose() => temp.Dispose();
}

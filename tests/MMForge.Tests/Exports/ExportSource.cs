using System.Security.Cryptography;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Tests.Support;

namespace MMForge.Tests.Exports;

/// <summary>
/// A dataset directory to export, ingested from dialogues the test writes over real images of
/// ../shared/samples/data-juicer (copied into the test's folder, so hard links to them can be
/// made). img1.png and img4.png are byte-identical; two samples use img1.png. Two samples are
/// ones no trainer takes (an image without its placeholder, a question without an answer): the
/// rules that would have repaired or rejected them at ingest are off, so export meets them.
/// </summary>
public static class ExportSource
{
    public const int Exportable = 6;

    /// <summary>Ids of the samples every trainer takes.</summary>
    public static readonly string[] Common = ["one", "same-content", "multi", "text", "repeat"];

    /// <summary>The sample with a system turn: InternVL and LLaMA-Factory take it, LLaVA-OneVision and Infinity-MM refuse it.</summary>
    public const string SystemTurn = "system";

    public static readonly string[] Unwritable = ["no-placeholder", "unanswered"];

    private static readonly string[] Images = ["img1.png", "img4.png", "img2.jpg", "cat.jpg", "img3.jpg", "img5.jpg"];

    private const string Records = """
        {"id":"one","image":"img1.png","conversations":[{"from":"human","value":"<image>\nWhat is shown?"},{"from":"gpt","value":"A bed."}]}
        {"id":"same-content","image":"img4.png","conversations":[{"from":"human","value":"<image>\n这是什么？"},{"from":"gpt","value":"一张床。"}]}
        {"id":"multi","image":["img2.jpg","cat.jpg"],"conversations":[{"from":"human","value":"<image>\n<image>\nCompare them."},{"from":"gpt","value":"A bus and a cat."},{"from":"human","value":"Which is larger?"},{"from":"gpt","value":"The bus."}]}
        {"id":"text","conversations":[{"from":"human","value":"Say \"hi\"."},{"from":"gpt","value":"hi"}]}
        {"id":"system","conversations":[{"from":"system","value":"Be brief."},{"from":"human","value":"2+2?"},{"from":"gpt","value":"4"}]}
        {"id":"no-placeholder","image":"img3.jpg","conversations":[{"from":"human","value":"Describe it."},{"from":"gpt","value":"A woman with an umbrella."}]}
        {"id":"unanswered","image":"img5.jpg","conversations":[{"from":"human","value":"<image>\nWhat bus?"}]}
        {"id":"repeat","image":"img1.png","conversations":[{"from":"human","value":"Is it a bed?\n<image>"},{"from":"gpt","value":"Yes."}]}
        """;

    /// <summary>Writes the images and records under <paramref name="root"/> and ingests them into <c>root/ds</c>; returns the dataset directory.</summary>
    public static string Build(string root)
    {
        var images = Directory.CreateDirectory(Path.Combine(root, "source-images")).FullName;
        foreach (var image in Images) File.Copy(TestPaths.Sample("data-juicer", "images", image), Path.Combine(images, image));
        var records = Path.Combine(root, "dialogues.jsonl");
        File.WriteAllText(records, Records + "\n");
        var dataset = Path.Combine(root, "ds");
        var manifest = Ingest.Run(dataset, [new SourceRequest(records) { ImageRoot = images }],
            new RuleSet(disable: ["image-token-repair", "image-token-count", "role-alternation"]));
        Assert.Equal(8, manifest.Records);
        return dataset;
    }

    /// <summary>A sample's turns and the SHA-256 of each image's content: what an export must carry over.</summary>
    public static string Content(Sample sample, Func<ImageRef, byte[]> imageBytes) =>
        string.Join("\n", sample.Turns.Select(t => $"{t.Role}: {t.Value}"))
        + "\nimages: " + string.Join(",", sample.Images.Select(i => Convert.ToHexStringLower(SHA256.HashData(imageBytes(i)))));

    /// <summary>The content of every sample of the source dataset, by id.</summary>
    public static Dictionary<string, string> SourceContent(string dataset)
    {
        var roots = Manifest.Load(dataset).ImageRoots;
        return Ingest.Samples(dataset).ToDictionary(s => s.Id, s => Content(s, i => File.ReadAllBytes(Path.Combine(roots[i.Root!], i.Path!))));
    }

    /// <summary>Exported samples read back, with image paths resolved against <paramref name="imageBase"/>.</summary>
    public static Dictionary<string, string> ExportedContent(IEnumerable<Sample> samples, string imageBase) =>
        samples.ToDictionary(s => s.Id, s => Content(s, i => i.Bytes ?? File.ReadAllBytes(Path.Combine(imageBase, i.Path!))));

    /// <summary>Asserts the export holds exactly <paramref name="ids"/>, each with the source's conversation and image contents.</summary>
    public static void AssertSameContent(string dataset, Dictionary<string, string> exported, IEnumerable<string> ids)
    {
        var source = SourceContent(dataset);
        Assert.Equal(ids.Order(), exported.Keys.Order());
        foreach (var (id, content) in exported) Assert.Equal(source[id], content);
    }

    /// <summary>Every file under a folder, relative to it, with its bytes: two exports are equal when these are.</summary>
    public static SortedDictionary<string, byte[]> Files(string dir) =>
        new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes), StringComparer.Ordinal);
}

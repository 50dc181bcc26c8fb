using MMForge.Dedup;
using MMForge.Tests.Support;

namespace MMForge.Tests.Dedup;

/// <summary>The must-show: among all 26 sample images, exactly the known duplicate groups cluster at the default k.</summary>
public class SampleImageDuplicatesTests
{
    private static readonly string[] Images = File.ReadLines(Path.Combine(TestPaths.Shared, "spec", "phash_reference.tsv"))
        .Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')[0]).ToArray();

    /// <summary>Clusters as sets of image file names, each named by its kept member.</summary>
    private static SortedDictionary<string, string> RemovedToKept(string dataset) =>
        new(DedupJobTests.Clusters(dataset).ToDictionary(
            c => c.GetProperty("id").GetString()!, c => c.GetProperty("kept").GetProperty("id").GetString()!), StringComparer.Ordinal);

    [Theory]
    [InlineData(DedupMatch.Image)]
    [InlineData(DedupMatch.ImageAndText)]
    public void ExactlyTheKnownDuplicateImagesCluster(DedupMatch match)
    {
        using var dir = TestPaths.NewTempDir();
        var hashed = DedupJobTests.HashedDataset(dir, TestPaths.Samples,
            Images.Select(path => (Path.GetFileName(path), (string?)path, "Describe the image in detail.", "It is a picture.")));

        var manifest = DedupJobTests.Dedup(hashed, dir.File("out"), new DedupOptions { Match = match });

        // Byte-identical files have equal pHashes and the same dialogue here: Infinity-MM's exact rule.
        // img_pair_1/2 are 4 bits apart; terrain2 and its grey copy have the same pHash (Infinity-MM's rule catches them too).
        Assert.Equal(new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["img4.png"] = "img1.png",
            ["img5.jpg"] = "img2.jpg",
            ["img6.jpg"] = "img3.jpg",
            ["img7.jpg"] = "img3.jpg",
            ["img_pair_2.jpg"] = "img_pair_1.jpg",
            ["terrain2_gray.png"] = "terrain2.png",
        }, RemovedToKept(dir.File("out")));
        Assert.Equal(20, manifest.Records);
        var pair = DedupJobTests.Clusters(dir.File("out")).Single(c => c.GetProperty("id").GetString() == "img_pair_2.jpg");
        Assert.Equal(4, pair.GetProperty("image_distance").GetInt32());
        Assert.Equal(match == DedupMatch.Image ? "near-image" : "near-image-text", pair.GetProperty("kind").GetString());
    }

    [Fact]
    public void SameImagesWithDifferentQuestionsAreNotDuplicatesOfInstructionData()
    {
        using var dir = TestPaths.NewTempDir();
        var hashed = DedupJobTests.HashedDataset(dir, TestPaths.Samples, Images.Select((path, i) =>
            (Path.GetFileName(path), (string?)path, $"Question {i}: how many objects of kind {i * 7919 % 1000} are there?", $"There are {i} of them.")));

        DedupJobTests.Dedup(hashed, dir.File("instruction"), new DedupOptions { Match = DedupMatch.ImageAndText });
        DedupJobTests.Dedup(hashed, dir.File("caption"), new DedupOptions { Match = DedupMatch.Image });

        Assert.Empty(RemovedToKept(dir.File("instruction")));
        Assert.Equal(6, RemovedToKept(dir.File("caption")).Count);
    }
}

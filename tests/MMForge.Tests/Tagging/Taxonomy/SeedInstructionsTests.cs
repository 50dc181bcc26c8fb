using System.Text;
using MMForge.Tagging.Taxonomy;

namespace MMForge.Tests.Tagging.Taxonomy;

public sealed class SeedInstructionsTests
{
    private static readonly IReadOnlyList<SeedInstruction> Seeds = SeedInstructions.Default;

    [Fact]
    public void Every_capability_has_at_least_15_seeds_in_both_languages()
    {
        var taxonomy = InstructionTaxonomy.Default;
        var byCategory = Seeds.GroupBy(s => taxonomy.Get(s.Path).AncestorAt(2)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(22, byCategory.Count);
        Assert.All(byCategory, category =>
        {
            Assert.True(category.Value.Count >= 15, $"{category.Key.Id}: {category.Value.Count} seeds");
            Assert.Contains(category.Value, s => s.Lang == "en");
            Assert.Contains(category.Value, s => s.Lang == "zh");
        });
        Assert.True(Seeds.Count(s => s.Lang == "zh") * 3 >= Seeds.Count, "at least a third of the seeds are Chinese");
    }

    [Fact]
    public void Seeds_are_distinct_leaf_labelled_and_their_language_matches_their_script()
    {
        Assert.True(Seeds.Count >= 500);
        Assert.Equal(Seeds.Count, Seeds.Select(s => s.Text).Distinct().Count());
        Assert.All(Seeds, s => Assert.True(InstructionTaxonomy.Default.Get(s.Path).IsLeaf));
        Assert.All(Seeds, s => Assert.Equal(s.Text.Any(c => c is >= '\u4e00' and <= '\u9fff') ? "zh" : "en", s.Lang));
    }

    [Fact]
    public void A_display_path_label_is_stored_as_the_leaf_id()
    {
        var seeds = Read("""{"text": "What is written on the sign?", "path": "Fine-grained Perception (single-instance) > OCR > Recognize text", "lang": "en"}""");
        Assert.Equal("fine-grained-perception-single-instance/ocr/recognize-text", Assert.Single(seeds).Path);
    }

    [Theory]
    [InlineData("""{"text": "Hi", "path": "coarse-perception/image-scene", "lang": "en"}""", "level-2 node")]
    [InlineData("""{"text": "Hi", "path": "coarse-perception/image-scene/describe-scene", "lang": "fr"}""", "\"lang\" is 'fr'")]
    [InlineData("""{"text": " ", "path": "coarse-perception/image-scene/describe-scene", "lang": "en"}""", "\"text\" is empty")]
    [InlineData("""{"path": "coarse-perception/image-scene/describe-scene", "lang": "en"}""", "\"text\" is missing")]
    [InlineData("""["text"]""", "expected a JSON object")]
    [InlineData("""{"text": "Hi",""", "line 2")]
    public void A_bad_seed_line_is_refused_with_its_line_and_reason(string line, string reason)
    {
        var good = """{"text": "Describe the scene.", "path": "coarse-perception/image-scene/describe-scene", "lang": "en"}""";
        var error = Assert.Throws<FormatException>(() => Read(good, line));
        Assert.Contains("seeds.jsonl line 2", error.Message);
        Assert.Contains(reason, error.Message);
    }

    private static IReadOnlyList<SeedInstruction> Read(params string[] lines) =>
        SeedInstructions.Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines))), "seeds.jsonl", InstructionTaxonomy.Default);
}

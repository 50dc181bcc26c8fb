using System.Text;
using System.Text.RegularExpressions;
using MMForge.Tagging.Taxonomy;
using MMForge.Tests.Support;

namespace MMForge.Tests.Tagging.Taxonomy;

public sealed class InstructionTaxonomyTests
{
    private static readonly InstructionTaxonomy Taxonomy = InstructionTaxonomy.Default;

    private static string SpecFile => Path.Combine(TestPaths.Shared, "spec", "instruction_taxonomy.json");

    [Fact]
    public void The_embedded_taxonomy_has_the_six_abilities_22_capabilities_and_198_types()
    {
        Assert.Equal(6, Taxonomy.Roots.Count);
        Assert.Equal(22, Taxonomy.Nodes.Values.Count(n => n.Level == 2));
        Assert.Equal(198, Taxonomy.Leaves.Count);
        Assert.All(Taxonomy.Leaves, leaf => Assert.Equal(InstructionTaxonomy.LeafLevel, leaf.Level));
        Assert.Equal(["Coarse Perception", "Fine-grained Perception (single-instance)", "Fine-grained Perception (cross-instance)",
                      "Relation Reasoning", "Attribute Reasoning", "Logic Reasoning"], Taxonomy.Roots.Select(r => r.Name));
    }

    [Fact]
    public void Every_node_has_a_unique_lowercase_slug_path_id()
    {
        var all = Taxonomy.Roots.SelectMany(r => r.Children.SelectMany(c => c.Children).Concat(r.Children).Prepend(r)).ToList();
        Assert.Equal(6 + 22 + 198, all.Count);
        Assert.Equal(all.Count, all.Select(n => n.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(all.Count, Taxonomy.Nodes.Count);
        Assert.All(all, n => Assert.Matches(new Regex("^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*){0,2}$"), n.Id));
        Assert.All(all, n => Assert.Equal(n.Level, n.Id.Split('/').Length));
    }

    [Fact]
    public void The_embedded_copy_matches_the_spec_file()
    {
        var spec = InstructionTaxonomy.Load(SpecFile);
        Assert.Equal(spec.Nodes.Values.Select(n => (n.Id, n.Name)), Taxonomy.Nodes.Values.Select(n => (n.Id, n.Name)));
    }

    [Fact]
    public void Nodes_know_their_names_levels_parents_and_children()
    {
        var leaf = Taxonomy.Get("fine-grained-perception-single-instance/ocr/recognize-printed-text");
        Assert.Equal("Recognize printed text", leaf.Name);
        Assert.Equal(3, leaf.Level);
        Assert.True(leaf.IsLeaf);
        Assert.Equal("OCR", leaf.Parent!.Name);
        Assert.Equal("Fine-grained Perception (single-instance)", leaf.AncestorAt(1).Name);
        Assert.Equal("Fine-grained Perception (single-instance) > OCR > Recognize printed text", leaf.DisplayPath);
        Assert.Contains(leaf, leaf.Parent.Children);
        Assert.Equal(11, leaf.Parent.Children.Count);
    }

    [Fact]
    public void Names_with_slashes_and_repeated_names_get_distinct_ids()
    {
        Assert.Equal("recognize-formulas-tables-charts", TaxonomySlug.Of("Recognize formulas/ tables/ charts"));
        var countObjects = Taxonomy.Leaves.Where(l => l.Name == "Count objects").Select(l => l.Id).ToList();
        Assert.Equal(["fine-grained-perception-single-instance/object-localization/count-objects",
                      "fine-grained-perception-single-instance/attribute-recognition/count-objects",
                      "fine-grained-perception-cross-instance/spatial-relationship/count-objects"], countObjects);
    }

    [Theory]
    [InlineData("fine-grained-perception-single-instance/ocr/recognize-formulas-tables-charts")]
    [InlineData("Fine-grained Perception (single-instance) > OCR > Recognize formulas/ tables/ charts")]
    [InlineData("fine-grained perception (single-instance) > ocr > recognize formulas/tables/charts")]
    [InlineData("Fine-grained Perception (single-instance)/OCR/Recognize formulas/ tables/ charts")]
    [InlineData("  \"Fine-grained Perception (single-instance) > OCR > Recognize formulas/ tables/ charts.\" ")]
    public void TryGet_accepts_ids_display_paths_and_name_paths(string written)
    {
        Assert.True(Taxonomy.TryGet(written, out var node));
        Assert.Equal("fine-grained-perception-single-instance/ocr/recognize-formulas-tables-charts", node.Id);
    }

    [Fact]
    public void A_bare_name_is_accepted_only_when_one_node_has_it()
    {
        Assert.True(Taxonomy.TryGet("OCR", out var ocr));
        Assert.Equal("fine-grained-perception-single-instance/ocr", ocr.Id);
        var ambiguous = Taxonomy.Validate("Count objects");
        Assert.False(ambiguous.IsValid);
        Assert.Contains("ambiguous", ambiguous.Error);
        Assert.Contains("Spatial Relationship > Count objects", ambiguous.Error);
    }

    [Fact]
    public void Validation_says_what_did_not_match_and_what_would()
    {
        var wrongChild = Taxonomy.Validate("Coarse Perception > Image Colour > Assess color");
        Assert.False(wrongChild.IsValid);
        Assert.Contains("'Image Colour'", wrongChild.Error);
        Assert.Contains("Image Quality", wrongChild.Error);

        var notLeaf = Taxonomy.Validate("Coarse Perception > Image Emotion", requireLeaf: true);
        Assert.False(notLeaf.IsValid);
        Assert.Contains("Read emotions from faces", notLeaf.Error);

        Assert.False(Taxonomy.Validate("").IsValid);
        Assert.False(Taxonomy.Validate("nonsense/path/here").IsValid);
        Assert.False(Taxonomy.Validate("Coarse Perception > Image Emotion > Other image emotion > deeper").IsValid);
        Assert.True(Taxonomy.Validate("Coarse Perception > Image Emotion > Other image emotion", requireLeaf: true).IsValid);
    }

    [Theory]
    [InlineData("[1, 2]", "top level must be an object")]
    [InlineData("{\"A\": [\"x\"]}", "'A' must be a non-empty object")]
    [InlineData("{\"A\": {\"B\": []}}", "'A > B' must be a non-empty array")]
    [InlineData("{\"A\": {\"B\": [\"x\", 3]}}", "holds a Number")]
    [InlineData("{\"A\": {\"B\": [\"Count objects\", \"count-objects\"]}}", "have the same id 'a/b/count-objects'")]
    [InlineData("{\"A\": {\"B\": [\"???\"]}}", "no ASCII letter or digit")]
    [InlineData("{\"A\": {", "not valid JSON")]
    [InlineData("{}", "no L1 abilities")]
    public void A_malformed_taxonomy_is_refused_with_the_reason(string json, string reason)
    {
        var error = Assert.Throws<FormatException>(() => InstructionTaxonomy.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json"));
        Assert.Contains("test.json", error.Message);
        Assert.Contains(reason, error.Message);
    }
}

using MMForge.Recipes;

namespace MMForge.Tests.Recipes;

public sealed class RecipeReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mmforge-recipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "recipe.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private RecipeException Refused(string yaml) => Assert.Throws<RecipeException>(() => RecipeReader.Load(Write(yaml)));

    [Fact]
    public void Reads_sources_stages_parameters_and_overrides_with_their_lines()
    {
        var recipe = RecipeReader.Load(Write("""
            name: demo
            workers: 3
            sources:
              - path: a.json
                format: llava
                image_root: imgs
            stages:
              - stage: ingest
                map: ["x/=y/"]
              - stage: dedup
                name: dedup-strict
                match: exact
                max_distance: 4
              - stage: select
                inputs: [ingest, dedup-strict]
                mixes:
                  - name: stage-1
                    max_grid: 1
                with_endpoint:
                  seed: 9
            """));
        Assert.Equal("demo", recipe.Name);
        Assert.Equal(3, recipe.Workers);
        var source = Assert.Single(recipe.Sources);
        Assert.Equal(["a.json"], source.Paths);
        Assert.Equal(("llava", "imgs", 4), (source.Format, source.ImageRoot, source.Line));
        Assert.Equal(["ingest", "dedup-strict", "select"], recipe.Stages.Select(s => s.Name));
        var dedup = recipe.Stages[1];
        Assert.Equal("dedup", dedup.Kind);
        Assert.Equal([("match", 12), ("max_distance", 13)], dedup.Params.Select(p => (p.Key, p.Line)));
        Assert.Equal("--max-distance", dedup.Params[1].OptionName);
        Assert.Equal(["x/=y/"], Assert.IsType<ListValue>(recipe.Stages[0].Params[0].Value).Items);
        var select = recipe.Stages[2];
        Assert.Equal(["ingest", "dedup-strict"], select.Inputs);
        var mixes = Assert.IsType<StructuredValue>(select.Params.Single(p => p.Key == "mixes").Value);
        Assert.Contains("max_grid: 1", mixes.Yaml);
        Assert.DoesNotContain(select.Params, p => p.Key == "seed");
        Assert.Equal(new ScalarValue("9"), select.ParamsFor(hasEndpoint: true).Single(p => p.Key == "seed").Value);
        Assert.DoesNotContain(select.ParamsFor(hasEndpoint: false), p => p.Key == "seed");
    }

    [Theory]
    [InlineData("stages:\n  - stage: ingest\nfoo: 1\n", 3, "unknown key 'foo' in the recipe")]
    [InlineData("sources:\n  - path: a.json\n    root: x\nstages:\n  - stage: ingest\n", 3, "unknown key 'root' in a source")]
    [InlineData("stages:\n  - stage: ingest\n  - stage: dedupe\n", 3, "unknown stage 'dedupe'")]
    [InlineData("stages:\n  - stage: ingest\n  - stage: hash\n    input: tag\n", 4, "input 'tag' is not an earlier stage")]
    [InlineData("stages:\n  - stage: ingest\n  - stage: ingest\n", 3, "a second stage named 'ingest'")]
    [InlineData("workers: many\nstages:\n  - stage: ingest\n", 1, "'workers' must be a positive whole number")]
    [InlineData("stages:\n  - stage: hash\n    output: elsewhere\n", 3, "remove 'output'")]
    [InlineData("stages:\n  - stage: ingest\n    Bad Key: 1\n", 3, "is not a parameter name")]
    [InlineData("stages:\n  - ingest\n", 2, "a stage must be a mapping")]
    [InlineData("stages: [\n", 2, "not valid YAML")]
    [InlineData("- just\n- a list\n", 1, "a recipe is one YAML mapping")]
    public void Refuses_what_it_cannot_run_naming_the_line(string yaml, int line, string message)
    {
        var error = Refused(yaml);
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message);
        Assert.StartsWith(Path.Combine(_dir, "recipe.yaml") + $":{line}: ", error.Message);
    }

    [Fact]
    public void Source_globs_expand_in_name_order_and_name_the_line_when_nothing_matches()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "d"));
        foreach (var name in new[] { "b.json", "a.json", "c.txt" }) File.WriteAllText(Path.Combine(_dir, "d", name), "[]");
        Assert.Equal([Path.Combine("d", "a.json"), Path.Combine("d", "b.json")], SourceGlob.Expand("d/*.json", _dir, "r.yaml", 5));
        Assert.Equal(["d/c.txt"], SourceGlob.Expand("d/c.txt", _dir, "r.yaml", 5));
        Assert.Contains("r.yaml:6: source path d/*.jsonl matches no file", Assert.Throws<RecipeException>(() => SourceGlob.Expand("d/*.jsonl", _dir, "r.yaml", 6)).Message);
        Assert.Contains("only in the file name", Assert.Throws<RecipeException>(() => SourceGlob.Expand("*/a.json", _dir, "r.yaml", 6)).Message);
        Assert.Contains("does not exist", Assert.Throws<RecipeException>(() => SourceGlob.Expand("d/zz.json", _dir, "r.yaml", 6)).Message);
    }

    [Fact]
    public void Fingerprints_follow_file_content_and_dataset_manifests()
    {
        var file = Path.Combine(_dir, "model.json");
        File.WriteAllText(file, "{\"a\":1}");
        string Of(string path) => new StageFingerprint().Add("x").AddPathContent(path).Finish();
        var first = Of(file);
        Assert.Equal(first, Of(file));
        File.WriteAllText(file, "{\"a\":2}");
        Assert.NotEqual(first, Of(file));
        Assert.Equal(new StageFingerprint().Add("x").Finish(), Of(Path.Combine(_dir, "missing")));
    }
}

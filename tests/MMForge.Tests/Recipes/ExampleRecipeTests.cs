using MMForge.Pipeline;
using MMForge.Recipes;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.Recipes;

/// <summary>The example recipe end to end through the real CLI, on a copy of examples/ so the repository stays clean.</summary>
public sealed class ExampleRecipeTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir();
    private readonly string _examples;

    public ExampleRecipeTests()
    {
        _examples = _dir.File("examples");
        ExampleCopy.Into(_examples);
    }

    public void Dispose() => _dir.Dispose();

    private string Recipe => Path.Combine(_examples, "recipe.yaml");
    private string Run => _dir.File("run");
    private string Stage(string name) => Path.Combine(Run, "stages", name);

    private CliRunner.Result RunRecipe(params string[] extra) => CliRunner.Run(_examples, ["run", "recipe.yaml", "-o", Run, .. extra]);

    /// <summary>Records in and out and rejects by rule of each dataset stage, as the example's data makes them.</summary>
    private static readonly (string Stage, long In, long Out, string[] Rejects)[] ExpectedCounts =
    [
        ("ingest", 21, 21, []),
        ("validate", 21, 20, ["yes-no-balance:1"]),
        ("hash", 20, 20, []),
        ("dedup", 20, 18, ["dedup-exact:1", "dedup-near-image-text:1"]),
        ("tag", 18, 18, []),
        ("synthesize", 18, 2, ["synthesis-no-annotations:16"]),
    ];

    [Fact]
    public void Runs_every_stage_with_the_expected_counts_then_skips_them_all_then_reruns_from_a_changed_parameter()
    {
        var first = RunRecipe();
        Assert.True(first.ExitCode is 0 or 1, first.Stdout + first.Stderr);
        foreach (var (stage, input, output, rejects) in ExpectedCounts)
        {
            var manifest = Manifest.Load(Stage(stage));
            Assert.Equal((stage, input, output), (stage, manifest.Stages[^1].RecordsIn, manifest.Records));
            Assert.Equal(rejects, manifest.RejectsByRule.Select(r => $"{r.Key}:{r.Value}"));
        }
        Assert.True(File.Exists(Path.Combine(Stage("map"), "model.json")));
        var run = RunFile.Load(Run);
        var names = run.Stages.Select(s => s.Name).ToList();
        Assert.Equal(["ingest", "validate", "hash", "dedup", "tag", "map", "synthesize", "select", "export-llava-onevision", "export-llama-factory", "export-internvl"], names);
        var mixes = MMForge.Selection.MixDirectory.Load(Stage("select")).Mixes;
        Assert.Equal(["stage-1:5", "stage-2:19", "stage-3:5"], mixes.Select(m => $"{m.Name}:{m.Records}"));
        Assert.Equal(["dj-images", "sahi-aerial"], mixes[0].RecordsBySource.Keys);
        Assert.All(mixes, m => Assert.Equal(m.Records, Manifest.Load(Path.Combine(Stage("select"), m.Dir)).Records));
        Assert.Equal(["tag", "synthesize"], run.Stages.Single(s => s.Name == "select").Inputs);
        foreach (var (export, meta) in new[] { ("export-llava-onevision", "stage-2.yaml"), ("export-llama-factory", "dataset_info.json"), ("export-internvl", "stage-2_meta.json") })
        {
            var exported = MMForge.Exports.ExportManifest.Load(Stage(export));
            Assert.Equal(["select"], run.Stages.Single(s => s.Name == export).Inputs);
            Assert.Equal(["stage-1", "stage-2", "stage-3"], exported.Parts.Select(p => p.Name));
            Assert.True(File.Exists(Path.Combine(Stage(export), meta)), export);
            Assert.All(exported.Parts, p => Assert.Equal(mixes.Single(m => m.Name == p.Name).Records, p.Records + p.Rejected));
        }
        Assert.All(run.Stages, s => Assert.Matches("^[0-9a-f]{64}$", s.Fingerprint));
        Assert.Equal(["tag"], run.Stages.Single(s => s.Name == "synthesize").Inputs);
        Assert.Contains("stage ", first.Stdout); // the closing table
        using (var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Run, "report.json"))))
            Assert.Equal(ExpectedCounts.Select(c => $"{c.Stage}:{c.Out}").Append("select:29"),
                report.RootElement.GetProperty("funnel").EnumerateArray().Select(f => $"{f.GetProperty("stage").GetString()}:{f.GetProperty("records").GetInt64()}"));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(Run, "report.html")));
        var written = Directory.GetFiles(Path.Combine(Run, "stages"), "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var second = RunRecipe();
        Assert.Equal(first.ExitCode, second.ExitCode);
        Assert.Equal(names.Select(n => $"{n}: unchanged, skipped"), second.Stdout.Split('\n').Where(l => l.StartsWith('[')).Select(l => l[(l.IndexOf(']') + 2)..]));
        Assert.All(written, f => Assert.Equal(f.Value, File.GetLastWriteTimeUtc(f.Key)));

        File.WriteAllText(Recipe, File.ReadAllText(Recipe).Replace("match: image+text", "match: exact"));
        var third = RunRecipe();
        var ran = third.Stdout.Split('\n').Where(l => l.Contains(": running (")).Select(l => l[(l.IndexOf(']') + 2)..l.IndexOf(':')]).ToList();
        Assert.Equal(["dedup", "tag", "map", "synthesize", "select", "export-llava-onevision", "export-llama-factory", "export-internvl"], ran);
        Assert.Equal(19, Manifest.Load(Stage("dedup")).Records);
        Assert.Equal(run.Stages.Take(3).Select(s => s.Fingerprint), RunFile.Load(Run).Stages.Take(3).Select(s => s.Fingerprint));
    }

    [Fact]
    public void A_stage_whose_output_went_missing_runs_again_alone()
    {
        Assert.True(RunRecipe("--until", "dedup").ExitCode is 0 or 1);
        Directory.Delete(Stage("hash"), recursive: true);

        var again = RunRecipe("--until", "dedup");

        var lines = again.Stdout.Split('\n').Where(l => l.StartsWith('[')).ToList();
        Assert.Contains(lines, l => l.Contains("hash: running (output missing)"));
        Assert.Contains(lines, l => l.Contains("dedup: unchanged, skipped"));
        Assert.False(Directory.Exists(Stage("tag")));
    }

    [Fact]
    public void A_recipe_error_names_the_line_and_nothing_runs()
    {
        File.WriteAllText(Recipe, File.ReadAllText(Recipe).Replace("    match: image+text", "    match: image+text\n    max_distance: far"));
        var line = File.ReadAllLines(Recipe).ToList().FindIndex(l => l.Contains("max_distance: far")) + 1;

        var result = RunRecipe();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"recipe.yaml:{line}: stage 'dedup', parameter 'max_distance'", result.Stderr);
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public void Dry_run_prints_each_command_line_and_writes_nothing()
    {
        var result = RunRecipe("--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"mmforge dedup {Stage("hash")} -o {Stage("dedup")} --match image+text --workers 2", result.Stdout);
        Assert.Contains($"mmforge map fit {Stage("tag")} -o {Path.Combine(Stage("map"), "model.json")} --min-support 1", result.Stdout);
        Assert.False(Directory.Exists(Run));
    }
}

/// <summary>The same example recipe with an endpoint: a VLM tags, an LLM classifies and the Infinity-MM method synthesizes, all through a real HTTP server.</summary>
public sealed class ExampleRecipeWithEndpointTests
{
    private const string Secret = "sk-test-never-written-0d5c";
    private const string OcrPath = "fine-grained-perception-single-instance/ocr/recognize-printed-text";

    /// <summary>The fake model: image tags, an instruction type, and the VLM's questions and answers.</summary>
    private static MMForge.FakeOpenAi.FakeReply ModelReplies(MMForge.FakeOpenAi.RecordedRequest request)
    {
        var text = string.Join("\n", request.Texts);
        if (text.Contains("List what is visible in this image", StringComparison.Ordinal))
            return MMForge.FakeOpenAi.FakeReply.Text("{\"tags\": [\"dog\", \"grass\", \"building\"]}");
        if (text.Contains("You classify instructions", StringComparison.Ordinal))
            return MMForge.FakeOpenAi.FakeReply.Text($"{{\"path\": \"{OcrPath}\"}}");
        return MMForge.FakeOpenAi.FakeVlm.Answer(request);
    }

    [Fact]
    public async Task With_an_endpoint_tagging_classification_and_synthesis_ask_the_model_and_the_key_is_never_written()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        await using var server = await MMForge.FakeOpenAi.FakeOpenAiServer.StartAsync();
        server.Responder = ModelReplies;
        var run = dir.File("run");
        var environment = new Dictionary<string, string> { ["MMFORGE_TEST_KEY"] = Secret, ["HOME"] = dir.Path };

        var result = CliRunner.Run(dir.File("examples"), environment, "run", "recipe.yaml", "-o", run, "--until", "synthesize",
            "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vl", "--api-key-env", "MMFORGE_TEST_KEY");

        Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
        var tag = Manifest.Load(Path.Combine(run, "stages", "tag")).Stages[^1].Params;
        Assert.Equal(["ram++", "text", "vlm"], tag["image_taggers"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("llm", (string?)tag["classifier"]);
        var tagged = Ingest.Samples(Path.Combine(run, "stages", "tag"));
        Assert.Contains(tagged, s => s.ImageTags.Any(t => t.Tag == "dog" && t.By == "vlm"));
        Assert.Contains(tagged, s => s.InstructionTags.Any(t => t.Path == OcrPath && t.By == "llm"));
        var synthesized = Manifest.Load(Path.Combine(run, "stages", "synthesize"));
        Assert.Equal("vlm", (string?)synthesized.Stages[^1].Params["generator"]);
        Assert.True(synthesized.Records > 0, result.Stdout);
        Assert.Contains(server.Requests, r => string.Join("\n", r.Texts).Contains(MMForge.FakeOpenAi.FakeVlm.QuestionPrompt, StringComparison.Ordinal));
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + Secret, r.Authorization));
        foreach (var file in Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".sqlite", StringComparison.Ordinal)))
            Assert.DoesNotContain(Secret, File.ReadAllText(file));
        Assert.DoesNotContain(Secret, result.Stdout + result.Stderr);
    }

    /// <summary>
    /// The model's synthesis with one worker and with two: the stages before synthesize write
    /// their files differently (hash in shards, the others with two threads), and its generator's random choices must not follow them.
    /// </summary>
    [Fact]
    public async Task Synthesis_by_the_model_writes_the_same_samples_with_one_worker_and_with_two()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        await using var server = await MMForge.FakeOpenAi.FakeOpenAiServer.StartAsync();
        server.Responder = ModelReplies;
        List<string> Synthesized(string workers)
        {
            var run = dir.File("run-" + workers);
            var result = CliRunner.Run(dir.File("examples"), new Dictionary<string, string> { ["MMFORGE_TEST_KEY"] = Secret, ["HOME"] = dir.Path },
                "run", "recipe.yaml", "-o", run, "--until", "synthesize", "--workers", workers,
                "--endpoint", server.BaseUrl.ToString(), "--model", "fake-vl", "--api-key-env", "MMFORGE_TEST_KEY");
            Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
            // with the endpoint synthesize reads the model ($map): it waits for map fit (one process) rather than running beside it
            var lines = result.Stdout.Split('\n').ToList();
            Assert.True(lines.FindIndex(l => l.Contains("map: -> ")) < lines.FindIndex(l => l.Contains("synthesize: running")), result.Stdout);
            return MMForge.Tests.ScaleOut.DatasetLines.Records(Path.Combine(run, "stages", "synthesize"));
        }

        var one = Synthesized("1");
        var two = Synthesized("2");

        Assert.Equal("vlm", (string?)Manifest.Load(Path.Combine(dir.File("run-2"), "stages", "synthesize")).Stages[^1].Params["generator"]);
        Assert.NotEmpty(one);
        Assert.Equal(one, two);
    }
}

internal static class ExampleCopy
{
    /// <summary>Copies examples/ so a test can run and edit the recipe without touching the repository.</summary>
    public static void Into(string to)
    {
        var from = Path.Combine(TestPaths.RepoRoot, "examples");
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}

/// <summary>The example recipe on the local executor with two worker processes.</summary>
public sealed class LocalExecutorTests
{
    [Fact]
    public void Two_workers_shard_hash_and_run_the_other_stages_as_one_process_of_two_threads()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");

        var result = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", run, "--until", "dedup", "--workers", "2");

        Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
        Assert.Contains("hash: running (first run, as 2 shards)", result.Stdout);
        Assert.Equal(2, (int)Manifest.Load(Path.Combine(run, "stages", "hash")).Stages[^1].Params["shards"]!);
        Assert.True(File.Exists(Path.Combine(run, "logs", "hash-images.shard-1.log")));
        foreach (var stage in new[] { "ingest", "validate", "dedup" })
        {
            Assert.False(Manifest.Load(Path.Combine(run, "stages", stage)).Stages[^1].Params.ContainsKey("shards"), stage);
            Assert.StartsWith($"mmforge {stage} ", File.ReadAllText(Path.Combine(run, "logs", $"{stage}.log")));
            Assert.Contains("--workers 2", File.ReadAllLines(Path.Combine(run, "logs", $"{stage}.log"))[0]);
        }
        Assert.Equal(18, Manifest.Load(Path.Combine(run, "stages", "dedup")).Records);
    }

    /// <summary>
    /// With two workers a stage starts once the stages it reads have finished and a process is
    /// free: map fit beside synthesize, two exports of the selection side by side and the third
    /// when one of them ends, the report beside them. A stage that fails lets the running one
    /// finish and starts no other.
    /// </summary>
    [Fact]
    public void Two_workers_run_independent_stages_side_by_side_and_a_failure_starts_nothing_more()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");
        CliRunner.Result Run(params string[] workers) => CliRunner.Run(dir.File("examples"), ["run", "recipe.yaml", "-o", run, .. workers]);
        int Line(CliRunner.Result result, string text) => result.Stdout.Split('\n').ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal));

        var two = Run("--workers", "2");

        Assert.True(two.ExitCode is 0 or 1, two.Stdout + two.Stderr);
        Assert.True(Line(two, "synthesize: running") < Line(two, "map: -> "), two.Stdout);
        Assert.True(Line(two, "export-llama-factory: running") < Line(two, "export-llava-onevision: 21 records written"), two.Stdout);
        var firstExportDone = Math.Min(Line(two, "export-llava-onevision: 21 records written"), Line(two, "export-llama-factory: 25 records written"));
        Assert.True(Line(two, "export-internvl: running") > firstExportDone, two.Stdout);
        var summary = two.Stdout[two.Stdout.IndexOf("\nstage ", StringComparison.Ordinal)..].Split('\n').Skip(2).Take(11).Select(l => l.Split(' ')[0]);
        Assert.Equal(RunFile.Load(run).Stages.Select(s => s.Name), summary); // recipe order, whatever order they finished in
        // side by side, each process's progress is plain lines led by its log's name, so two are told apart
        foreach (var label in new[] { "[export-llava-onevision] export: ", "[export-llama-factory] export: ", "[hash-images.shard-1] hash: ", "[report] report: " })
            Assert.Contains(label, two.Stderr);

        var one = Run("--workers", "1", "--from", "map");
        Assert.True(Line(one, "map: -> ") < Line(one, "synthesize: running"), one.Stdout);
        Assert.DoesNotContain("[synthesize]", one.Stderr); // one at a time: a live line where stderr is a terminal

        // the second export refuses a folder holding someone's file; the first, beside it, finishes
        Directory.Delete(Path.Combine(run, "stages", "export-llama-factory"), recursive: true);
        Directory.CreateDirectory(Path.Combine(run, "stages", "export-llama-factory"));
        File.WriteAllText(Path.Combine(run, "stages", "export-llama-factory", "notes.txt"), "mine");
        File.Delete(Path.Combine(run, "report.json"));
        var failed = Run("--workers", "2", "--from", "export-llava-onevision");

        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("export-llama-factory: FAILED (exit 2)", failed.Stdout);
        Assert.Contains("export-llava-onevision: 21 records written", failed.Stdout);
        Assert.DoesNotContain("export-internvl: running", failed.Stdout);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "stages", "export-llama-factory", "notes.txt")));
        Assert.DoesNotContain("export-llama-factory", RunFile.Load(run).Stages.Select(s => s.Name));
        // the report reads the data stages, all finished: it was written beside the exports
        Assert.Contains($"report: {Path.Combine(run, "report.html")}", failed.Stdout);
        Assert.True(File.Exists(Path.Combine(run, "report.json")));
    }

    [Fact]
    public void Two_shards_split_the_record_stages_and_dedup_with_the_same_counts_and_a_change_of_workers_reruns_them()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");
        CliRunner.Result Run(params string[] extra) => CliRunner.Run(dir.File("examples"), ["run", "recipe.yaml", "-o", run, "--until", "dedup", .. extra]);

        var first = Run("--workers", "2", "--shards", "2");

        Assert.True(first.ExitCode is 0 or 1, first.Stdout + first.Stderr);
        foreach (var (stage, records) in new[] { ("validate", 20L), ("hash", 20L), ("dedup", 18L) })
            Assert.Equal((stage, records), (stage, Manifest.Load(Path.Combine(run, "stages", stage)).Records));
        foreach (var stage in new[] { "ingest", "validate", "hash", "dedup" })
        {
            Assert.Equal(2, (int)Manifest.Load(Path.Combine(run, "stages", stage)).Stages[^1].Params["shards"]!);
            Assert.True(File.Exists(Path.Combine(run, "logs", $"{stage}.shard-1.log")));
        }
        // dedup's global steps: keys per shard, one decision, then the shards write
        Assert.Contains("--phase keys", File.ReadAllText(Path.Combine(run, "logs", "dedup-keys.shard-1.log")));
        Assert.Contains("decided on every shard's keys", File.ReadAllText(Path.Combine(run, "logs", "dedup-decide.log")));
        var shardedClusters = File.ReadAllBytes(Path.Combine(run, "stages", "dedup", "clusters.jsonl"));

        Assert.All(Run("--workers", "2", "--shards", "2").Stdout.Split('\n').Where(l => l.StartsWith('[')), l => Assert.Contains("unchanged, skipped", l));
        var single = Run("--workers", "1");
        var ran = single.Stdout.Split('\n').Where(l => l.Contains(": running (")).Select(l => l[(l.IndexOf(']') + 2)..l.IndexOf(':')]).ToList();
        Assert.Equal(["ingest", "validate", "hash", "dedup"], ran);
        Assert.Equal(shardedClusters, File.ReadAllBytes(Path.Combine(run, "stages", "dedup", "clusters.jsonl")));
        Assert.Equal(20, Manifest.Load(Path.Combine(run, "stages", "hash")).Records);
    }

    [Fact]
    public void Two_shards_a_stage_export_exactly_what_one_worker_exports()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");
        var exports = new[] { "export-llava-onevision", "export-llama-factory", "export-internvl" };
        SortedDictionary<string, byte[]> Exported(params string[] workers)
        {
            var result = CliRunner.Run(dir.File("examples"), ["run", "recipe.yaml", "-o", run, .. workers]);
            Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
            var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var export in exports)
                foreach (var (file, bytes) in FileTree.Read(Path.Combine(run, "stages", export)))
                    files[Path.Combine(export, file)] = file.StartsWith("rejects/", StringComparison.Ordinal) ? MMForge.Tests.ScaleOut.DatasetLines.WithoutLocation(bytes) : bytes;
            return files;
        }

        var sharded = Exported("--workers", "2", "--shards", "2");
        Assert.Contains("decided on every shard's keys", File.ReadAllText(Path.Combine(run, "logs", "select-decide.log"))); // select ran as a map/reduce
        var single = Exported("--workers", "1");

        Assert.True(sharded.Count > 20, "the exports hold their records, meta files and images");
        Assert.Equal(single.Keys, sharded.Keys);
        foreach (var (file, bytes) in single) Assert.True(bytes.AsSpan().SequenceEqual(sharded[file]), $"{file} differs between 1 and 2 workers");
    }

    [Fact]
    public void A_sharded_stage_run_again_stops_being_a_dataset_before_its_old_shards_go()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");
        var dedup = Path.Combine(run, "stages", "dedup");
        CliRunner.Result Run() => CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", run, "--until", "dedup", "--workers", "2", "--shards", "2");
        Assert.True(Run().ExitCode is 0 or 1);
        Assert.True(DatasetDirectory.IsDataset(dedup));

        // other parameters, and a file where the key step puts its keys: the new dedup fails after the old shards are gone
        var recipe = dir.File("examples/recipe.yaml");
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("match: image+text", "match: exact"));
        File.WriteAllText(Path.Combine(dedup, ShardSpec.KeysFolder), "in the way");
        var failed = Run();

        Assert.Contains("dedup: FAILED", failed.Stdout);
        Assert.False(Directory.Exists(Path.Combine(dedup, ShardSpec.Folder)));
        Assert.False(DatasetDirectory.IsDataset(dedup), "the old manifest would list the deleted shards' files");
    }

    [Fact]
    public void Shards_of_a_stage_whose_input_changed_are_made_again_not_skipped()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");
        void Run()
        {
            var result = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", run, "--until", "hash", "--workers", "2");
            Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
        }
        List<string> Ids(string stage) => Ingest.Samples(Path.Combine(run, "stages", stage)).Select(s => s.Source + "/" + s.Id).ToList();

        Run();
        var before = Ids("validate");
        // another validate: a balance rule off keeps the yes/no record it dropped; hash's parameters stay the same
        var recipe = dir.File("examples/recipe.yaml");
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("enable: [yes-no-balance]", "enable: []"));
        Run();

        Assert.NotEqual(before, Ids("validate"));
        Assert.Equal(Ids("validate"), Ids("hash"));
    }
}

using MMForge.Pipeline;
using MMForge.Selection;
using MMForge.Tests.Cli;
using MMForge.Tests.Selection;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// select as a map/reduce over shards (keys per shard, one decide step, a writing pass per shard,
/// merge-shards): every mix holds the one-process records in the one-process order and
/// mixes.json is byte for byte the one-process file, whatever the shard count; a shard killed at
/// any point is finished by its relaunch with the same bytes.
/// </summary>
public sealed class ShardedSelectTests
{
    /// <summary>Three mixes: one per-source sampling, one random half under a visual-token budget, one naming a source no input has (a warning).</summary>
    private const string Mixes = """
        mixes:
          - name: stage-1
            max_grid: 1
            sources:
              - source: caps
                sampling: first:50%
              - source: "*"
          - name: stage-2
            max_grid: 2
            max_visual_tokens: 60000
            sources:
              - source: caps
                sampling: random:50%
              - source: vqa
              - source: ocr
                sampling: end:10
          - name: stage-3
            max_grid: 6
            sources:
              - source: vqa
                sampling: random:40%
              - source: nowhere
        """;

    private static string[] Select(string output, params string[] more) => Seeded("3", output, more);

    private static string[] Seeded(string seed, string output, params string[] more) =>
        ["select", "a", "b", "-o", output, "--mixes", "mixes.yaml", "--balance-by", "type-l1", "--cap-per-group", "70", "--yes-no-balance", "--seed", seed, "--workers", "1", .. more];

    /// <summary>
    /// Two inputs of three sources (tags, instruction types, image sizes; see SelectionData): "a"
    /// the captions and the OCR samples, "b" the yes/no questions with one record broken in the
    /// middle, which no mix may take and the first mix rejects.
    /// </summary>
    private static TempDir Inputs()
    {
        var dir = TestPaths.NewTempDir();
        SelectionData.Dataset(dir, "a", "caps", "ocr");
        SelectionData.Dataset(dir, "b", "vqa");
        var data = Directory.GetFiles(dir.File("b/data")).Single();
        var lines = File.ReadAllLines(data);
        lines[30] = "{\"id\": \"broken\", \"conversations\": [";
        File.WriteAllLines(data, lines);
        File.WriteAllText(dir.File("mixes.yaml"), Mixes);
        return dir;
    }

    private static void RunSharded(TempDir dir, Func<string, string[], string[]> select, string output, int shards)
    {
        for (var i = 0; i < shards; i++) Ok(CliRunner.Run(dir.Path, select(output, ["--phase", "keys", "--shard", $"{i}/{shards}"])));
        Ok(CliRunner.Run(dir.Path, select(output, ["--phase", "decide"])));
        for (var i = 0; i < shards; i++) Ok(CliRunner.Run(dir.Path, select(output, ["--shard", $"{i}/{shards}"])));
        Ok(CliRunner.Run(dir.Path, "merge-shards", output));
    }

    private static void Ok(CliRunner.Result result) => Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);

    [Fact]
    public void Sharded_select_writes_every_mix_and_mixes_json_exactly_as_one_process_does()
    {
        using var dir = Inputs();
        var one = CliRunner.Run(dir.Path, Select("one"));
        Assert.Equal(1, one.ExitCode); // the broken record
        Assert.Contains("source 'nowhere' is in none of the inputs", one.Stderr);
        var index = MixDirectory.Load(dir.File("one"));
        Assert.Equal(["stage-1", "stage-2", "stage-3"], index.Mixes.Select(m => m.Name));
        Assert.All(index.Mixes, m => Assert.InRange(m.Records, 10, 150));
        Assert.Contains("over-group-quota", index.Mixes[0].UnselectedByReason.Keys);
        Assert.Contains("over-token-budget", index.Mixes[1].UnselectedByReason.Keys);
        Assert.Equal(1, Manifest.Load(dir.File("one/stage-1")).Rejected);

        foreach (var shards in new[] { 2, 3, 5 })
        {
            var output = $"sharded-{shards}";
            RunSharded(dir, Select, output, shards);
            Assert.Equal(File.ReadAllBytes(dir.File("one/mixes.json")), File.ReadAllBytes(dir.File($"{output}/mixes.json")));
            foreach (var mix in index.Mixes)
            {
                DatasetLines.AssertSame(dir.File($"one/{mix.Dir}"), dir.File($"{output}/{mix.Dir}"));
                Assert.Equal(shards, (int)Manifest.Load(dir.File($"{output}/{mix.Dir}")).Stages[^1].Params["shards"]!);
            }
            Assert.False(Directory.Exists(dir.File($"{output}/keys")), "the merge frees the keys");
        }
    }

    [Fact]
    public void A_write_shard_counts_as_complete_only_once_it_has_written_every_mix()
    {
        using var dir = Inputs();
        for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Select("out", "--phase", "keys", "--shard", $"{i}/2")));
        Ok(CliRunner.Run(dir.Path, Select("out", "--phase", "decide")));
        Assert.Equal(3, ShardedSelection.MixFolders(dir.File("out"))!.Count);
        Ok(CliRunner.Run(dir.Path, Select("out", "--shard", "0/2")));
        Assert.Equal(new ShardStatus(2, 1, 0, 0), ShardStatus.Of(dir.File("out")));

        // the moment shard 0 has finished the first mix and not begun the others: no other mix has shards yet
        foreach (var mix in new[] { "stage-2", "stage-3" }) Directory.Delete(Path.Combine(dir.File("out"), mix, ShardSpec.Folder), recursive: true);

        Assert.Equal(new ShardStatus(2, 0, 0, 0), ShardStatus.Of(dir.File("out")));
        Assert.Null(ShardedSelection.MixFolders(dir.File("a"))); // a dataset, not a selection
    }

    [Fact]
    public void The_steps_refuse_to_go_on_from_missing_or_mismatched_keys_decisions_or_shards()
    {
        using var dir = Inputs();
        Ok(CliRunner.Run(dir.Path, Select("out", "--phase", "keys", "--shard", "0/2")));

        var early = CliRunner.Run(dir.Path, Select("out", "--phase", "decide"));
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("1 of 2 key shards are not complete: 1/2", early.Stderr);
        var unwritten = CliRunner.Run(dir.Path, Select("out", "--shard", "0/2"));
        Assert.Equal(2, unwritten.ExitCode);
        Assert.Contains("--phase decide", unwritten.Stderr);

        Ok(CliRunner.Run(dir.Path, Seeded("4", "out", "--phase", "keys", "--shard", "1/2")));
        var otherSeed = CliRunner.Run(dir.Path, Select("out", "--phase", "decide"));
        Assert.Equal(2, otherSeed.ExitCode);
        Assert.Contains("made with other select options", otherSeed.Stderr);

        Ok(CliRunner.Run(dir.Path, Select("out", "--phase", "keys", "--shard", "1/2")));
        Ok(CliRunner.Run(dir.Path, Select("out", "--phase", "decide")));
        var otherCount = CliRunner.Run(dir.Path, Select("out", "--shard", "0/3"));
        Assert.Equal(2, otherCount.ExitCode);
        Assert.Contains("another shard count", otherCount.Stderr);
        var otherOptions = CliRunner.Run(dir.Path, [.. Select("out", "--shard", "0/2"), "--max-records", "50"]);
        Assert.Equal(2, otherOptions.ExitCode);
        Assert.Contains("other options", otherOptions.Stderr);

        Ok(CliRunner.Run(dir.Path, Select("out", "--shard", "0/2")));
        var partial = CliRunner.Run(dir.Path, "merge-shards", dir.File("out"));
        Assert.Equal(2, partial.ExitCode);
        Assert.Contains("1 of 2 dataset shards are not complete: 1/2", partial.Stderr);
        Assert.False(MixDirectory.IsMixDirectory(dir.File("out")), "nothing looks complete while a shard is missing");

        Assert.Equal(2, CliRunner.Run(dir.Path, Select("out", "--phase", "keys")).ExitCode);
        Assert.Equal(2, CliRunner.Run(dir.Path, Select("out", "--phase", "decide", "--shard", "0/2")).ExitCode);
        Directory.CreateDirectory(dir.File("other/notes"));
        var foreign = CliRunner.Run(dir.Path, Select("other", "--phase", "keys", "--shard", "0/2"));
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("is not a mix directory", foreign.Stderr);
    }

    [Fact]
    public void A_shard_killed_while_writing_keys_or_mixes_is_finished_by_its_relaunch_with_the_same_bytes()
    {
        using var dir = TestPaths.NewTempDir();
        ManyRecords.Ingest(dir, 30_000, i => ($"Is there a thing number {i} in the picture?", i % 3 == 0 ? "No" : "Yes"));
        File.WriteAllText(dir.File("mixes.yaml"), "- name: all\n  max_grid: 1\n  sources:\n    - source: \"*\"\n- name: half\n  max_grid: 2\n  sources:\n    - source: \"*\"\n      sampling: random:50%\n");
        static string[] Many(string output, string[] more) => ["select", "in", "-o", output, "--mixes", "mixes.yaml", "--yes-no-balance", "--workers", "1", .. more];
        RunSharded(dir, Many, "clean", 2);
        Assert.True(Manifest.Load(dir.File("clean/half")).Records > 5_000, "the mixes hold records");
        var random = new Random(11);

        // killed in the key pass: the whole sharded run again finishes it
        ShardKill.WhileWriting(dir, random, Many("crashed", ["--phase", "keys", "--shard", "0/2"]), "crashed/keys");
        Assert.Equal(new ShardStatus(2, 0, 0, 1), ShardStatus.OfKeys(dir.File("crashed")));
        RunSharded(dir, Many, "crashed", 2);
        ShardKill.AssertSameAsClean(dir, "the key pass");

        // killed in the writing pass, with every key and the decisions ready
        void KeysDecisionsAndShard1()
        {
            for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Many("crashed", ["--phase", "keys", "--shard", $"{i}/2"])));
            Ok(CliRunner.Run(dir.Path, Many("crashed", ["--phase", "decide"])));
            Ok(CliRunner.Run(dir.Path, Many("crashed", ["--shard", "1/2"])));
        }
        ShardKill.WhileWriting(dir, random, Many("crashed", ["--shard", "0/2"]), "crashed/all/shards", KeysDecisionsAndShard1);
        Assert.Equal(new ShardStatus(2, 1, 0, 1), ShardStatus.Of(dir.File("crashed")));
        RunSharded(dir, Many, "crashed", 2);
        ShardKill.AssertSameAsClean(dir, "the writing pass");
    }
}

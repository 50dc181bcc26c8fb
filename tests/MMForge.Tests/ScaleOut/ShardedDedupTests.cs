using System.Text.Json;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// dedup as a map/reduce over shards (keys per shard, one decide step, a writing pass per shard,
/// merge-shards): the decisions are the one-process decisions, whatever the shard count, and a
/// shard killed at any point is finished by its relaunch with the same bytes.
/// </summary>
public sealed class ShardedDedupTests
{
    private static string[] Dedup(string output, params string[] more) => ["dedup", "hashed", "-o", output, "--workers", "1", .. more];

    /// <summary>
    /// Repeated questions on the few data-juicer images (byte-identical copies and a near-duplicate
    /// pair among them): exact, near-image and near-text clusters; with <paramref name="sources"/>,
    /// the records spread over that many sources, so duplicates fall within and across them.
    /// </summary>
    private static TempDir HashedRecords(int count, int sources = 0)
    {
        var dir = TestPaths.NewTempDir();
        ManyRecords.Ingest(dir, count, i => ($"What is shown in picture number {i % (count / 4)}?", $"Picture {i % (count / 4)} shows item {i % (count / 6)}."), sources: sources);
        Assert.True(CliRunner.Run(dir.Path, "hash", "in", "-o", "hashed").ExitCode is 0 or 1);
        return dir;
    }

    private static void RunSharded(TempDir dir, string output, int shards, params string[] options)
    {
        KeysAndDecisions(dir, output, shards, options);
        for (var i = 0; i < shards; i++) Ok(CliRunner.Run(dir.Path, Dedup(output, [.. options, "--shard", $"{i}/{shards}"])));
        Ok(CliRunner.Run(dir.Path, "merge-shards", output));
    }

    /// <summary>The steps before the writing pass: every shard's keys, every partition's exact keys reduced, the decisions.</summary>
    private static void KeysAndDecisions(TempDir dir, string output, int shards, params string[] options)
    {
        foreach (var phase in new[] { "keys", "reduce" })
            for (var i = 0; i < shards; i++) Ok(CliRunner.Run(dir.Path, Dedup(output, [.. options, "--phase", phase, "--shard", $"{i}/{shards}"])));
        Ok(CliRunner.Run(dir.Path, Dedup(output, [.. options, "--phase", "decide"])));
    }

    private static void Ok(CliRunner.Result result) => Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);

    [Theory]
    [InlineData("image+text", "global", 2)]
    [InlineData("image+text", "global", 5)]
    [InlineData("image", "global", 3)]
    [InlineData("text", "global", 3)]
    [InlineData("exact", "global", 3)]
    [InlineData("exact", "global", 1)]
    [InlineData("image+text", "source", 3)] // the reduce steps decide: partitions by source
    [InlineData("image", "source", 4)]
    [InlineData("text", "source", 2)]
    [InlineData("exact", "source", 3)]
    public void Sharded_dedup_removes_exactly_what_one_process_removes(string match, string scope, int shards)
    {
        using var dir = HashedRecords(3_000, sources: scope == "source" ? 7 : 0);
        Ok(CliRunner.Run(dir.Path, Dedup("one", "--match", match, "--scope", scope)));
        RunSharded(dir, "sharded", shards, "--match", match, "--scope", scope);

        var (one, sharded) = (Manifest.Load(dir.File("one")), Manifest.Load(dir.File("sharded")));
        Assert.True(one.Rejected > 100, $"the data must hold duplicates, removed {one.Rejected}");
        Assert.Equal(one.RejectsByRule, sharded.RejectsByRule);
        Assert.Equal(one.Records, sharded.Records);
        Assert.Equal(File.ReadAllBytes(dir.File("one/clusters.jsonl")), File.ReadAllBytes(dir.File("sharded/clusters.jsonl")));
        // the same records and the same rejects with the same reasons; only their order is the shards'
        Assert.Equal(Lines(dir.File("one"), one.Shards.Select(s => s.File)), Lines(dir.File("sharded"), sharded.Shards.Select(s => s.File)));
        Assert.Equal(Lines(dir.File("one"), [DatasetDirectory.RejectsFile]), Lines(dir.File("sharded"), [DatasetDirectory.RejectsFile]));
    }

    private static List<string> Lines(string dataset, IEnumerable<string> files) =>
        files.SelectMany(f => File.ReadAllLines(Path.Combine(dataset, f))).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Near matches across sources, where the decide step decides one partition of linked groups at a
    /// time: planted pHashes (near pairs, chains, identical groups, and a crowd of 400 so near each
    /// other that the search leaves out pairs it already connects), repeated texts, and text-only
    /// records; partitions of about 50 samples, so the groups are spread over dozens of them.
    /// </summary>
    [Theory]
    [InlineData("image", 3)]
    [InlineData("image+text", 2)]
    [InlineData("text", 4)]
    public void Deciding_linked_groups_apart_removes_exactly_what_one_process_removes(string match, int shards)
    {
        using var dir = TestPaths.NewTempDir();
        var hashes = MMForge.Tests.Dedup.NearHashes.Planted(seed: 11, randomCount: 1500, k: 6, crowdCount: 400);
        File.WriteAllLines(dir.File("in.jsonl"), hashes.Select((hash, i) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = $"r{i}", ["image"] = $"images/{i}.jpg", ["phash"] = new[] { hash },
            ["conversations"] = Turns($"<image>\nWhat is in picture {i % 40}?", $"It shows item {i % 30}."),
        })).Concat(Enumerable.Range(0, 300).Select(i => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = $"t{i}", ["conversations"] = Turns($"Name a colour, number {i % 50}.", $"Colour {i % 25} is the one."),
        }))));
        Ok(CliRunner.Run(dir.Path, "ingest", "in.jsonl", "-o", "hashed", "--disable", "image-missing"));
        string[] options = ["--match", match, "--decide-partition-size", "50"];
        Ok(CliRunner.Run(dir.Path, Dedup("one", options)));
        RunSharded(dir, "sharded", shards, options);

        var (one, sharded) = (Manifest.Load(dir.File("one")), Manifest.Load(dir.File("sharded")));
        Assert.True(one.Rejected > 300, $"the data must hold duplicates, removed {one.Rejected}");
        Assert.Equal(one.RejectsByRule, sharded.RejectsByRule);
        Assert.Equal(File.ReadAllBytes(dir.File("one/clusters.jsonl")), File.ReadAllBytes(dir.File("sharded/clusters.jsonl")));
        Assert.Equal(Lines(dir.File("one"), [DatasetDirectory.RejectsFile]), Lines(dir.File("sharded"), [DatasetDirectory.RejectsFile]));
    }

    private static object[] Turns(string question, string answer) => [new { from = "human", value = question }, new { from = "gpt", value = answer }];

    [Fact]
    public void The_steps_refuse_to_go_on_from_missing_or_mismatched_keys_and_decisions()
    {
        using var dir = HashedRecords(400);
        Ok(CliRunner.Run(dir.Path, Dedup("out", "--phase", "keys", "--shard", "0/2")));

        var early = CliRunner.Run(dir.Path, Dedup("out", "--phase", "decide"));
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("1 of 2 key shards are not complete: 1/2", early.Stderr);
        var unwritten = CliRunner.Run(dir.Path, Dedup("out", "--shard", "0/2"));
        Assert.Equal(2, unwritten.ExitCode);
        Assert.Contains("--phase decide", unwritten.Stderr);

        Ok(CliRunner.Run(dir.Path, Dedup("out", "--phase", "keys", "--shard", "1/2", "--match", "exact")));
        var mixed = CliRunner.Run(dir.Path, Dedup("out", "--phase", "decide"));
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("made with other dedup options", mixed.Stderr);

        Ok(CliRunner.Run(dir.Path, Dedup("out", "--phase", "keys", "--shard", "1/2")));
        var unreduced = CliRunner.Run(dir.Path, Dedup("out", "--phase", "decide"));
        Assert.Equal(2, unreduced.ExitCode);
        Assert.Contains("'dedup --phase reduce --shard P/2'", unreduced.Stderr);
        var otherPartitions = CliRunner.Run(dir.Path, Dedup("out", "--phase", "reduce", "--shard", "0/3"));
        Assert.Equal(2, otherPartitions.ExitCode);
        Assert.Contains("use --shard I/2", otherPartitions.Stderr);
        Assert.Equal(2, CliRunner.Run(dir.Path, Dedup("out", "--phase", "reduce")).ExitCode);
        // a reduce step killed while writing leaves its temporary folder: never taken as done, cleared by the relaunch
        Ok(CliRunner.Run(dir.Path, Dedup("out", "--phase", "reduce", "--shard", "1/2")));
        Directory.CreateDirectory(dir.File("out/keys/reduce/00000-of-00002.tmp-999999"));
        File.WriteAllText(dir.File("out/keys/reduce/00000-of-00002.tmp-999999/edges.bin"), "partial");
        Assert.Equal(new ShardStatus(2, 1, 0, 1), ShardStatus.OfReduce(dir.File("out")));
        Assert.Contains("1 of 2 reduce shards are not complete: 0/2", CliRunner.Run(dir.Path, Dedup("out", "--phase", "decide")).Stderr);
        for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Dedup("out", "--phase", "reduce", "--shard", $"{i}/2")));
        Assert.Equal(new ShardStatus(2, 2, 0, 0), ShardStatus.OfReduce(dir.File("out")));
        Ok(CliRunner.Run(dir.Path, Dedup("out", "--phase", "decide")));
        var otherCount = CliRunner.Run(dir.Path, Dedup("out", "--shard", "0/3"));
        Assert.Equal(2, otherCount.ExitCode);
        Assert.Contains("another shard count", otherCount.Stderr);

        Assert.Equal(2, CliRunner.Run(dir.Path, Dedup("out", "--phase", "keys")).ExitCode);
        Assert.Equal(2, CliRunner.Run(dir.Path, Dedup("out", "--phase", "decide", "--shard", "0/2")).ExitCode);
    }

    [Fact]
    public void A_reduced_partition_changed_after_its_step_is_refused_by_name()
    {
        using var dir = HashedRecords(3_000);
        foreach (var phase in new[] { "keys", "reduce" })
            for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Dedup("out", "--match", "exact", "--phase", phase, "--shard", $"{i}/2")));
        var partition = Directory.GetDirectories(dir.File("out/keys/reduce")).First(p => File.ReadLines(Path.Combine(p, "removals.jsonl")).Count() > 1);
        File.WriteAllText(Path.Combine(partition, "clusters.jsonl"), "");

        var decide = CliRunner.Run(dir.Path, Dedup("out", "--match", "exact", "--phase", "decide"));
        Assert.NotEqual(0, decide.ExitCode);
        Assert.Contains($"out/keys/reduce/{Path.GetFileName(partition)}: clusters.jsonl has fewer lines than removals.jsonl", decide.Stderr);
        Assert.False(File.Exists(dir.File("out/clusters.jsonl")), "no clusters.jsonl from a damaged partition");

        // near matches across sources: a partition's edges rewritten to name a sample the keys do not hold
        foreach (var phase in new[] { "keys", "reduce" })
            for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Dedup("near", "--phase", phase, "--shard", $"{i}/2")));
        var edges = dir.File("near/keys/reduce/00001-of-00002/edges.bin");
        string magic, parameters;
        using (var reader = new BinaryReader(File.OpenRead(edges))) (magic, parameters) = (reader.ReadString(), reader.ReadString());
        using (var writer = new BinaryWriter(File.Create(edges)))
        {
            writer.Write(magic);
            writer.Write(parameters);
            foreach (var value in new[] { 1, 0, 3_000, 0 }) writer.Write(value); // one exact edge (0, 3000), no links
        }
        var near = CliRunner.Run(dir.Path, Dedup("near", "--phase", "decide"));
        Assert.NotEqual(0, near.ExitCode);
        Assert.Contains("near/keys/reduce/00001-of-00002/edges.bin links samples 0 and 3000, but the key shards hold 3,000", near.Stderr);
        Assert.False(File.Exists(dir.File("near/clusters.jsonl")), "no clusters.jsonl from a damaged partition");
    }

    [Fact]
    public void A_step_killed_while_writing_keys_reductions_decisions_or_records_is_finished_by_its_relaunch_with_the_same_bytes()
    {
        using var dir = HashedRecords(30_000, sources: 7);
        RunSharded(dir, "clean", 2);
        var random = new Random(7);

        // killed in the key pass: the whole sharded run again finishes it
        ShardKill.WhileWriting(dir, random, Dedup("crashed", "--phase", "keys", "--shard", "0/2"), "crashed/keys");
        Assert.Equal(new ShardStatus(2, 0, 0, 1), ShardStatus.OfKeys(dir.File("crashed")));
        RunSharded(dir, "crashed", 2);
        Assert.False(Directory.Exists(dir.File("crashed/keys")), "the merge frees the keys");
        ShardKill.AssertSameAsClean(dir, "the key pass");

        // killed in the writing pass, with every key and the decisions ready
        ShardKill.WhileWriting(dir, random, Dedup("crashed", "--shard", "0/2"), "crashed/shards", () => KeysAndDecisions(dir, "crashed", 2));
        RunSharded(dir, "crashed", 2);
        ShardKill.AssertSameAsClean(dir, "the writing pass");

        // killed in a reduce step that takes its partition's decisions (within each source), with every key ready
        string[] bySource = ["--scope", "source"];
        RunSharded(dir, "clean-by-source", 2, bySource);
        ShardKill.WhileWriting(dir, random, Dedup("crashed", [.. bySource, "--phase", "reduce", "--shard", "0/2"]), "crashed/keys/reduce", () =>
        {
            for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Dedup("crashed", [.. bySource, "--phase", "keys", "--shard", $"{i}/2"])));
        });
        Assert.Equal(new ShardStatus(2, 0, 0, 1), ShardStatus.OfReduce(dir.File("crashed")));
        RunSharded(dir, "crashed", 2, bySource);
        ShardKill.AssertSameAsClean(dir, "a reduce step", clean: "clean-by-source");

        // killed in the decide step while it files or decides the near-image groups, with every partition reduced
        ShardKill.WhileWriting(dir, random, Dedup("crashed", "--phase", "decide", "--decide-partition-size", "2000"), "crashed/keys/groups", () =>
        {
            foreach (var phase in new[] { "keys", "reduce" })
                for (var i = 0; i < 2; i++) Ok(CliRunner.Run(dir.Path, Dedup("crashed", "--phase", phase, "--shard", $"{i}/2")));
        }, whileExists: true);
        Assert.False(File.Exists(dir.File("crashed/clusters.jsonl")), "no clusters.jsonl from a decide step killed midway");
        RunSharded(dir, "crashed", 2);
        ShardKill.AssertSameAsClean(dir, "the decide step");
    }
}

using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>--shard and merge-shards through the real CLI, on the example's real data.</summary>
public sealed class ShardTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir();

    public void Dispose() => _dir.Dispose();

    private string Validated() => ValidatedExample.In(_dir);

    private CliRunner.Result Hash(string input, string output, params string[] extra) =>
        CliRunner.Run(_dir.Path, ["hash", input, "-o", output, "--workers", "1", .. extra]);

    [Fact]
    public void Three_shards_merged_hold_the_records_of_one_process_in_its_order_and_a_relaunch_skips_finished_shards()
    {
        var input = Validated();
        Assert.True(Hash(input, _dir.File("whole")).ExitCode is 0 or 1);
        var sharded = _dir.File("sharded");
        var perShard = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var result = Hash(input, sharded, "--shard", $"{i}/3");
            Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
            perShard.Add(Ingest.Samples(Path.Combine(sharded, "shards", $"{i:D5}-of-00003")).Count);
        }
        Assert.Equal([6, 7, 7], perShard); // 20 records cut into three runs

        var again = Hash(input, sharded, "--shard", "1/3");
        Assert.Contains("shard 1/3 is already complete", again.Stdout);
        var merge = CliRunner.Run(_dir.Path, "merge-shards", sharded);
        Assert.True(merge.ExitCode is 0 or 1, merge.Stdout + merge.Stderr);

        var whole = Ingest.Samples(_dir.File("whole"));
        var merged = Ingest.Samples(sharded);
        Assert.Equal(20, merged.Count);
        Assert.Equal(whole.Select(Read.Canonical), merged.Select(Read.Canonical));
        var manifest = Manifest.Load(sharded);
        Assert.Equal((20L, 3), (manifest.Stages[^1].RecordsIn, (int)manifest.Stages[^1].Params["shards"]!));
        Assert.Equal(Manifest.Load(_dir.File("whole")).RecordsBySource, manifest.RecordsBySource);
    }

    [Fact]
    public void Merge_is_refused_while_a_shard_is_missing_or_only_partly_written()
    {
        var input = Validated();
        var sharded = _dir.File("sharded");
        Assert.True(Hash(input, sharded, "--shard", "0/2").ExitCode is 0 or 1);
        // what a killed shard leaves: its temporary folder, records but no manifest
        Directory.CreateDirectory(Path.Combine(sharded, "shards", "00001-of-00002.tmp-4242", "data"));
        File.WriteAllText(Path.Combine(sharded, "shards", "00001-of-00002.tmp-4242", "data", "part-00000.jsonl"), "{}\n");

        var merge = CliRunner.Run(_dir.Path, "merge-shards", sharded);

        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("1 of 2 dataset shards are not complete: 1/2", merge.Stderr);
        Assert.False(File.Exists(Path.Combine(sharded, Manifest.FileName)));
    }

    [Fact]
    public void Merge_of_shards_that_all_stopped_says_so_whatever_the_stage_was()
    {
        var sharded = _dir.File("sharded");
        foreach (var (shard, pid) in new[] { ("00000-of-00002", 4242), ("00001-of-00002", 4243) })
            Directory.CreateDirectory(Path.Combine(sharded, "shards", $"{shard}.tmp-{pid}"));

        var merge = CliRunner.Run(_dir.Path, "merge-shards", sharded);

        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("has no finished shard: 0/2, 1/2 were left unfinished by processes 4242, 4243", merge.Stderr);
        Assert.DoesNotContain("dataset", merge.Stderr);
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void A_bad_shard_is_refused_with_the_expected_form(string shard) =>
        Assert.Contains("expected INDEX/COUNT", Assert.Throws<ArgumentException>(() => ShardSpec.Parse(shard)).Message);

    [Fact]
    public void A_shard_parses_and_names_its_folder() =>
        Assert.Equal(Path.Combine("out", "shards", "00002-of-00010"), ShardSpec.Parse("2/10").Directory("out"));

    [Fact]
    public void The_shards_cut_the_input_into_runs_that_joined_in_shard_order_are_the_input()
    {
        foreach (var total in new[] { 0, 1, 7, 20, 1000 })
            for (var count = 1; count <= 8; count++)
            {
                var records = Enumerable.Range(0, total).ToList();
                var parts = Enumerable.Range(0, count).Select(i => new ShardSpec(i, count).Take(records, total).ToList()).ToList();
                Assert.Equal(records, parts.SelectMany(p => p));
                Assert.True(parts.Max(p => p.Count) - parts.Min(p => p.Count) <= 1, $"{total} records in {count} shards are balanced");
                // a manifest that declares fewer records than the input holds: the last shard takes the rest
                Assert.Equal(records.Append(total), Enumerable.Range(0, count).SelectMany(i => new ShardSpec(i, count).Take(records.Append(total), total)));
            }
    }
}

using System.Text.Json.Nodes;
using MMForge.Pipeline;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// validate with yes-no-balance in two steps through the real CLI: each shard counts its run's
/// answers, the record shards balance by the summed counts, and the merged output is one
/// process's output.
/// </summary>
public sealed class ShardedValidateTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir();

    public ShardedValidateTests() =>
        // the first half says yes, the second half mostly no: a shard that counted only its own run would balance otherwise
        ManyRecords.Ingest(_dir, 3_000, i => ($"Is there a thing {i}?", i < 1_500 || i % 3 == 0 ? "Yes" : "No."));

    public void Dispose() => _dir.Dispose();

    private CliRunner.Result Validate(string output, params string[] extra)
    {
        var result = CliRunner.Run(_dir.Path, ["validate", "in", "-o", output, "--enable", "yes-no-balance", "--seed", "3", "--workers", "1", .. extra]);
        Assert.True(result.ExitCode is 0 or 1, result.Stdout + result.Stderr);
        return result;
    }

    private void Counts(string output, int count)
    {
        for (var i = 0; i < count; i++) Validate(output, "--phase", "counts", "--shard", $"{i}/{count}");
    }

    private void RecordsAndMerge(string output, int count)
    {
        for (var i = 0; i < count; i++) Validate(output, "--shard", $"{i}/{count}");
        Assert.True(CliRunner.Run(_dir.Path, "merge-shards", output).ExitCode is 0 or 1);
    }

    [Fact]
    public void Record_shards_balance_by_the_summed_counts_of_every_shard_as_one_process_does()
    {
        Validate("whole");
        Assert.NotEmpty(DatasetLines.Rejects(_dir.File("whole"))); // some yes answers were dropped

        Counts("sharded", 3);
        Assert.Contains("already complete", Validate("sharded", "--phase", "counts", "--shard", "1/3").Stdout);
        var counts = Enumerable.Range(0, 3).Select(i => JsonNode.Parse(File.ReadAllText(_dir.File($"sharded/keys/{new ShardSpec(i, 3).Name}/balance.json")))!).ToList();
        Assert.Equal(3_000, counts.Sum(c => (long)c["Records"]!));
        RecordsAndMerge("sharded", 3);

        DatasetLines.AssertSame(_dir.File("whole"), _dir.File("sharded"));
    }

    [Fact]
    public void Record_shards_take_the_counts_from_the_count_shards_instead_of_counting_again()
    {
        Validate("whole");
        Counts("sharded", 2);
        // a count file saying there are no answers: a shard that trusts it drops nothing
        File.WriteAllText(_dir.File($"sharded/keys/{new ShardSpec(0, 2).Name}/balance.json"), """{"Yes":0,"No":0,"Records":1500}""");
        RecordsAndMerge("sharded", 2);

        // the sums say "no more yes than no": nothing is dropped, where one process drops yes answers
        Assert.NotEmpty(DatasetLines.Rejects(_dir.File("whole")));
        Assert.Empty(DatasetLines.Rejects(_dir.File("sharded")));
        Assert.Equal(3_000, DatasetLines.Records(_dir.File("sharded")).Count);
    }

    [Fact]
    public void Without_the_balance_rule_the_count_step_has_nothing_to_do_and_a_missing_count_shard_is_refused()
    {
        var off = CliRunner.Run(_dir.Path, "validate", "in", "-o", "plain", "--phase", "counts", "--shard", "0/2");
        Assert.Equal(0, off.ExitCode);
        Assert.Contains("nothing to count", off.Stdout);
        Assert.False(Directory.Exists(_dir.File("plain/keys")));

        Validate("sharded", "--phase", "counts", "--shard", "0/2");
        var missing = CliRunner.Run(_dir.Path, "validate", "in", "-o", "sharded", "--enable", "yes-no-balance", "--shard", "1/2");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("1 of 2 balance count shards are not complete: 1/2", missing.Stderr);
    }
}

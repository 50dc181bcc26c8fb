using System.Text.Json.Nodes;
using MMForge.Pipeline;
using MMForge.Tagging.Correspondence;
using MMForge.Tests.Cli;
using MMForge.Tests.Support;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// <c>mmforge map fit --shard I/N</c> and the reduce in <c>merge-shards</c>, through the real CLI on
/// LLaVA's GPT-4 questions about COCO images, tagged by the real tag stage (image tags from the
/// answers, instruction types from the embedded classifier).
/// </summary>
public sealed class ShardedMapTests : IDisposable
{
    private const int MinSupport = 4;
    private readonly TempDir _dir = TestPaths.NewTempDir();

    public ShardedMapTests()
    {
        Succeeds(CliRunner.Run(_dir.Path, "ingest", TestPaths.Sample("LLaVA", "playground", "data", "coco2014_val_gpt4_qa_30x3.jsonl"), "-o", "in", "--disable", "image-missing"));
        Succeeds(CliRunner.Run(_dir.Path, "tag", "in", "-o", "tagged", "--image-taggers", "text", "--workers", "1"));
    }

    public void Dispose() => _dir.Dispose();

    private static void Succeeds(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

    private CliRunner.Result Fit(string model, params string[] extra) => CliRunner.Run(_dir.Path, ["map", "fit", "tagged", "-o", model, "--min-support", MinSupport.ToString(), .. extra]);

    private string ShardDir(string stage, int index, int count) => _dir.File(Path.Combine(stage, "shards", new ShardSpec(index, count).Name));

    [Fact]
    public void Count_shards_added_up_give_one_process_model_byte_for_byte_with_the_thresholds_applied_to_the_sums()
    {
        Succeeds(Fit("one/model.json"));
        for (var i = 0; i < 3; i++) Succeeds(Fit("sharded/model.json", "--shard", $"{i}/3"));
        Assert.Contains("shard 1/3 is already complete", Fit("sharded/model.json", "--shard", "1/3").Stdout);
        Assert.False(File.Exists(_dir.File("sharded/model.json"))); // the shards write counts only
        Assert.Equal(new ShardStatus(3, 3, 0, 0), ShardStatus.Of(_dir.File("sharded")));

        Assert.Contains("the shards were counted for model.json, not other.json", CliRunner.Run(_dir.Path, "merge-shards", "sharded/other.json").Stderr);
        var merge = CliRunner.Run(_dir.Path, "merge-shards", "sharded/model.json"); // the -o the shards ran with, as the executors pass it

        Succeeds(merge);
        Assert.Contains("map fit (merged 3 shards): 90 of 90 seed samples used", merge.Stdout);
        Assert.Equal(File.ReadAllBytes(_dir.File("one/model.json")), File.ReadAllBytes(_dir.File("sharded/model.json")));
        // a type no shard has enough seeds of is scored all the same: min support applies to the sums
        var model = CorrespondenceModel.Load(_dir.File("sharded/model.json"));
        var shards = Enumerable.Range(0, 3).Select(i => CountShard.Read(ShardDir("sharded", i, 3))).ToList();
        Assert.Contains(model.Types, t => t.Supported && shards.All(s => !s.Counts.Types.TryGetValue(t.Type, out var c) || c.Seeds < MinSupport));
        Assert.Equal(90, shards.Sum(s => s.Counts.Samples));
    }

    [Fact]
    public void An_incomplete_set_of_count_shards_is_refused_and_status_shows_the_failed_one()
    {
        Succeeds(Fit("sharded/model.json", "--shard", "0/2"));
        Directory.CreateDirectory(ShardDir("sharded", 1, 2) + ".tmp-999999"); // what a killed count leaves (no such process)

        Assert.Equal(new ShardStatus(2, 1, 0, 1), ShardStatus.Of(_dir.File("sharded")));
        var merge = CliRunner.Run(_dir.Path, "merge-shards", "sharded");

        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("1 of 2 count shards are not complete: 1/2", merge.Stderr);
        Assert.False(File.Exists(_dir.File("sharded/model.json")));
    }

    [Fact]
    public void A_shard_counted_with_other_settings_is_counted_again_and_the_reduce_refuses_a_mixed_set()
    {
        for (var i = 0; i < 2; i++) Succeeds(Fit("sharded/model.json", "--shard", $"{i}/2"));

        var changed = Fit("sharded/model.json", "--shard", "1/2", "--tf", "sublinear");
        var merge = CliRunner.Run(_dir.Path, "merge-shards", "sharded");

        Assert.Contains("shard 1/2 counted", changed.Stdout);
        Assert.Equal(2, merge.ExitCode);
        Assert.Contains("shard 1/2 was counted with other settings than shard 0/2", merge.Stderr);
        Assert.False(File.Exists(_dir.File("sharded/model.json")));
    }

    [Theory]
    [InlineData("model_file", "../../escape.json", "field 'model_file' must be a file name without folders")]
    [InlineData("shard", "0/x", "field 'shard' must be INDEX/COUNT")]
    [InlineData("unreadable_records", -1, "field 'unreadable_records' must be a whole number")]
    public void A_damaged_counts_file_is_refused_naming_the_field(string field, object value, string message)
    {
        Succeeds(Fit("sharded/model.json", "--shard", "0/1"));
        var file = Path.Combine(ShardDir("sharded", 0, 1), ShardMerge.CountsFile);
        var counts = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        counts[field] = JsonValue.Create(value);
        File.WriteAllText(file, counts.ToJsonString());

        var merge = CliRunner.Run(_dir.Path, "merge-shards", "sharded");

        Assert.NotEqual(0, merge.ExitCode);
        Assert.Contains(message, merge.Stderr);
        Assert.False(File.Exists(_dir.File("sharded/model.json")));
        Assert.False(File.Exists(_dir.File("escape.json")));
    }

    [Fact]
    public void A_tag_counted_more_often_than_its_type_has_seeds_is_refused()
    {
        Succeeds(Fit("sharded/model.json", "--shard", "0/1"));
        var file = Path.Combine(ShardDir("sharded", 0, 1), ShardMerge.CountsFile);
        var counts = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        var (type, entry) = counts["types"]!.AsObject().First();
        var tags = entry!["tags"]!.AsObject();
        var tag = tags.First().Key;
        tags[tag] = entry["seed_samples"]!.GetValue<long>() + 1;
        File.WriteAllText(file, counts.ToJsonString());

        var merge = CliRunner.Run(_dir.Path, "merge-shards", "sharded");

        Assert.Contains($"field 'types.{type}.tags.{tag}' must be at most the type's seed samples", merge.Stderr);
    }
}

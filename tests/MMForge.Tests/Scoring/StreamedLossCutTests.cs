using System.Text.Json;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Scoring;
using MMForge.Scoring.Shards;

namespace MMForge.Tests.Scoring;

/// <summary>
/// The decide step's cut, taken over shard tables read one at a time, against the one-process
/// <see cref="LossCut"/> over the same samples in one table: the same groups, counts, thresholds
/// (to the bit: -0 stays -0) and tie ordinals, on inputs made to be hard: few distinct losses so
/// ties straddle shards, -0 beside 0, negative losses, unscored samples, empty shards.
/// </summary>
public sealed class StreamedLossCutTests
{
    private static readonly float[] Losses = [0f, -0f, 0.5f, 0.5f, 1.25f, 3f, -2f, 1e-30f, float.MaxValue, 7.75f];

    [Theory]
    [InlineData(1, 0.0, false)]
    [InlineData(2, 5.0, false)]
    [InlineData(3, 33.3, true)]
    [InlineData(4, 50.0, false)]
    [InlineData(5, 100.0, true)]
    [InlineData(6, 12.5, true)]
    [InlineData(7, 99.9, false)]
    public void The_cut_over_shards_read_one_at_a_time_is_the_one_process_cut(int seed, double dropPercent, bool perSource)
    {
        var random = new Random(seed);
        var shards = Enumerable.Range(0, random.Next(1, 7)).Select(_ => new List<(string Source, float? Loss)>()).ToList();
        foreach (var shard in shards)
            for (var i = random.Next(0, 3) == 0 ? 0 : random.Next(1, 400); i > 0; i--)
                shard.Add(($"source-{random.Next(0, 4)}", random.Next(0, 10) == 0 ? null : Losses[random.Next(Losses.Length)]));
        var loads = new int[shards.Count];

        var streamed = StreamedLossCut.Select(shards.Select((samples, s) => (Func<LossTable>)(() => { loads[s]++; return Table(samples); })).ToList(), (decimal)dropPercent, perSource);
        var oneProcess = new LossCut(Table(shards.SelectMany(s => s)), (decimal)dropPercent, perSource).Groups;

        Assert.Equal(Json(oneProcess), Json(streamed));
        Assert.All(loads, n => Assert.InRange(n, 1, 6)); // a count pass, four digit passes, the tie pass at most
        if (dropPercent > 0) Assert.Contains(streamed, g => g.Dropped > 0);
    }

    [Fact]
    public void Every_sample_at_one_loss_is_cut_by_input_order_across_shards()
    {
        List<(string, float?)> Same(int n) => Enumerable.Repeat<(string, float?)>(("s", 2f), n).ToList();
        List<List<(string Source, float? Loss)>> shards = [Same(30), Same(0), Same(45), Same(25)];

        var cut = StreamedLossCut.Select(shards.Select(s => (Func<LossTable>)(() => Table(s))).ToList(), 40m, perSource: false);

        // 40 of 100 go, the latest first: ordinals 60 to 99, which start in the third shard
        Assert.Equal(new GroupCut(LossCut.AllSources, 100, 40, 2f, 60), Assert.Single(cut));
    }

    [Fact]
    public void Minus_zero_and_zero_are_one_loss_ordered_by_input_as_the_one_process_cut_orders_them()
    {
        List<List<(string Source, float? Loss)>> shards = [[("s", -0f), ("s", 0f)], [("s", -0f), ("s", 0f), ("s", 5f)]];

        var cut = StreamedLossCut.Select(shards.Select(s => (Func<LossTable>)(() => Table(s))).ToList(), 60m, perSource: false);

        // 3 of 5 go: the 5, then the latest two at zero, ordinals 3 and 2; the threshold is the third one's own -0
        var group = Assert.Single(cut);
        Assert.Equal((5, 3, 2L), (group.Scored, group.Dropped, group.TieFrom));
        Assert.True(float.IsNegative(group.Threshold!.Value) && group.Threshold == 0);
        Assert.Equal(Json(new LossCut(Table(shards.SelectMany(s => s)), 60m, perSource: false).Groups), Json(cut));
    }

    [Fact]
    public void A_table_that_changes_between_passes_is_refused_rather_than_cut_wrongly()
    {
        var calls = 0;
        List<(string Source, float? Loss)> before = [("s", 1f), ("s", 2f), ("s", 3f), ("s", 4f)], after = [("s", 9f), ("s", 9f), ("s", 9f), ("s", 9f)];
        // rewritten after the count pass: the digits found no longer lead to the samples
        Func<LossTable> load = () => Table(calls++ < 2 ? before : after);

        var error = Assert.Throws<InvalidDataException>(() => StreamedLossCut.Select([load], 50m, perSource: false));

        Assert.Contains("changed between the passes", error.Message);
    }

    private static LossTable Table(IEnumerable<(string Source, float? Loss)> samples)
    {
        var table = new LossTable();
        var offset = 0L;
        foreach (var (source, loss) in samples)
        {
            var ordinal = table.Add(new RecordLocation("in.jsonl", null, offset++, 1), source);
            table.Set(ordinal, loss is { } scored ? ScoreOutcome.Of(scored, 1) : ScoreOutcome.Unscored("score-model", "HTTP 500"));
        }
        return table;
    }

    private static string Json(IReadOnlyList<GroupCut> groups) => JsonSerializer.Serialize(groups, StateFileJson.Options);
}

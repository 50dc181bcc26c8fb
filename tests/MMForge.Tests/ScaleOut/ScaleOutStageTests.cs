using MMForge.ScaleOut;

namespace MMForge.Tests.ScaleOut;

/// <summary>The steps a stage runs as: dedup's reduce step between its keys and its decision, and which decide steps may be given more memory.</summary>
public sealed class ScaleOutStageTests
{
    private static ScaleOutStep Decide(params string[] options) =>
        new ScaleOutStage("dedup", ["dedup", "in", "-o", "out", .. options], Shards: 3).Steps.Single(s => s.Suffix == "-decide");

    [Fact]
    public void A_sharded_dedup_reduces_every_partition_between_its_keys_and_its_decision()
    {
        var steps = new ScaleOutStage("dedup", ["dedup", "in", "-o", "out"], Shards: 3).Steps;
        Assert.Equal(["-keys", "-reduce", "-decide", "", "-merge"], steps.Select(s => s.Suffix));
        Assert.Equal([true, true, false, true, false], steps.Select(s => s.PerShard));
        Assert.Equal(["--phase", "reduce"], steps[1].Args.TakeLast(2));
    }

    [Fact]
    public void Only_a_decide_step_that_reads_every_key_at_once_asks_for_the_decide_memory()
    {
        Assert.False(Decide().HoldsEveryKey); // image+text across sources: decided one partition of linked groups at a time
        Assert.False(Decide("--match", "image", "--scope", "global").HoldsEveryKey);
        Assert.False(Decide("--match", "text").HoldsEveryKey);
        Assert.False(Decide("--match", "exact").HoldsEveryKey); // the reduce steps decide, the decide step merges
        Assert.False(Decide("--match", "text", "--scope", "source").HoldsEveryKey);
        Assert.True(new ScaleOutStage("select", ["select", "in", "-o", "out"], Shards: 2).Steps.Single(s => s.Suffix == "-decide").HoldsEveryKey);
        Assert.True(new ScaleOutStage("dedup", ["dedup", "in", "-o", "out", "--match", "exact"]).Steps.Single().HoldsEveryKey); // one process holds them all
    }
}

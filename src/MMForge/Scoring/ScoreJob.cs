using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Pipeline;

namespace MMForge.Scoring;

/// <summary>
/// <c>mmforge score</c>: a global stage in two passes, like dedup. The loss pass reads every
/// sample once and asks the model for its answer-token loss (<see cref="LossPass"/>), keeping a
/// 16-byte key per sample; the cut is decided per source on the keys alone (<see cref="LossCut"/>);
/// the writing pass is an ordinary record job whose <see cref="LossScoreRule"/> writes each loss and
/// rejects the cut and the unscorable samples with their reasons.
/// </summary>
public sealed class ScoreJob(ScoreOptions options, SampleScorer scorer)
{
    public const string Stage = "score";

    /// <summary>The cut taken by the last <see cref="Run"/>, per group (for the summary).</summary>
    public IReadOnlyList<GroupCut> Cuts { get; private set; } = [];

    /// <summary>Runs both passes; <paramref name="progress"/> hears of the loss pass (sources named "loss of ...") and then the writing pass.</summary>
    public Manifest Run(IReadOnlyList<OpenedSource> sources, IJobOutput output, Action<JobProgress>? progress = null)
    {
        options.Validate();
        // The one blocking wait of the stage: the loss pass itself holds no thread while requests are out.
        var table = new LossPass(scorer, options.MaxPending).RunAsync(sources, progress).GetAwaiter().GetResult();
        var cut = new LossCut(table, options.DropTopPercent, options.PerSource);
        Cuts = cut.Groups;
        return new RecordJob(WritingOptions(table, cut, shard: null), progress).Run(sources, output);
    }

    /// <summary>The writing pass's options: the records (of <paramref name="shard"/> only, when given) with their losses from <paramref name="table"/>, the cut's drops rejected.</summary>
    internal JobOptions WritingOptions(LossTable table, LossCut cut, ShardSpec? shard) => new()
    {
        Stage = Stage,
        Rules = Filters.RuleSet.Of(new LossScoreRule(table, cut, options.ScoreName, options.DropTopPercent)),
        Workers = options.Workers,
        Params = Params(cut),
        Shard = shard,
    };

    /// <summary>The stage's settings and the cut it took, so the manifest says what was dropped under which threshold.</summary>
    private JsonObject Params(LossCut cut) => new()
    {
        ["model"] = scorer.Client.Model,
        ["template"] = scorer.Template.Name,
        ["score"] = options.ScoreName,
        ["loss"] = "mean -logprob of the answer tokens (docs/scoring.md)",
        ["drop_top_percent"] = options.DropTopPercent,
        ["scope"] = options.PerSource ? "source" : "global",
        ["cuts"] = new JsonObject(cut.Groups.Select(g => KeyValuePair.Create(g.Group, (JsonNode?)new JsonObject
        {
            ["scored"] = g.Scored,
            ["dropped"] = g.Dropped,
            ["threshold"] = g.Threshold is { } t ? (double)(decimal)t : null,
        }))),
    };
}

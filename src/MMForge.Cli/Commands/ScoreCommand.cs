using System.CommandLine;
using System.Globalization;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;
using MMForge.Scoring;
using MMForge.Scoring.Shards;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge score DIR -o DIR</c>: the answer-token loss of every sample under a model, and the highest losses dropped.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var models = new ModelOptions();
        var input = new Argument<string>("dataset") { Description = "mmforge dataset directory." };
        var output = new Option<string>("--output", "-o") { Description = "Dataset directory to write (may be the input itself).", Required = true };
        var dropTop = new Option<decimal>("--drop-top")
        {
            Description = "Drop the samples whose loss is in this top percentage of their source (default 5, as Infinity-MM); 0 only writes the losses. "
                + "At most floor(n * P / 100) of a source's n scored samples go; equal losses keep the earlier sample.",
            DefaultValueFactory = _ => 5m,
        };
        dropTop.Require(p => p is >= 0 and <= 100, "--drop-top must be between 0 and 100");
        var scope = new Option<string>("--scope")
        {
            Description = "source: take the top percentage within each source (default); global: over the whole input.",
            DefaultValueFactory = _ => "source",
        };
        scope.AcceptOnlyFromAmong("source", "global");
        var template = new Option<string>("--template")
        {
            Description = "How a conversation is written as one prompt: chatml = Qwen2-VL's <|im_start|>role ... <|im_end|> with its default system message (default); "
                + "vicuna = LLaVA-1.5's USER: ... ASSISTANT: ...</s>; plain = User:/Assistant: lines without special tokens. <image> placeholders stay as text (docs/scoring.md).",
            DefaultValueFactory = _ => PromptTemplate.ChatMl.Name,
        };
        template.AcceptOnlyFromAmong([.. PromptTemplate.All.Select(t => t.Name)]);
        var scoreName = new Option<string>("--score-name")
        {
            Description = "Name the loss is written under in each sample's scores (default loss). qw2vl_loss makes dedup prefer low-loss samples, "
                + "but claims the loss is Qwen2-VL's with the image seen: use it only when that holds.",
            DefaultValueFactory = _ => "loss",
        };
        var pending = new Option<int>("--max-pending")
        {
            Description = "Samples being scored at once (queued for the model client's concurrency limit included); default 256.",
            DefaultValueFactory = _ => 256,
        };
        // The stage is nothing without a model: let the parser say so, before anything is opened.
        models.Endpoints.Required = true;
        models.Model.Required = true;
        var command = new Command("score", "Score every sample by its answer-token loss under a language model served by an OpenAI-compatible /completions endpoint "
            + "that echoes prompt log-probabilities (vLLM, the OpenAI legacy API): the mean -log p of the assistant turns' tokens, with the conversation written by --template. "
            + "The loss goes into each sample's scores; the top --drop-top percent per source is rejected as loss-top-percent, samples that cannot be scored as score-model "
            + "or score-no-answer, each with its reason. Answers are cached, so a rerun asks the server nothing again.")
        {
            input, output, dropTop, scope, template, scoreName, pending,
            shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes, shared.Shard,
        };
        foreach (var option in models.ForText) command.Options.Add(option);
        var phase = ShardPhase.Add(command, shared.Shard, "Run one step of a sharded score (what 'mmforge run --workers N' and the Slurm/Kubernetes executors do): "
            + "keys = with --shard I/N, ask the model about that shard's records and write their losses to OUTPUT/keys/; decide = read every shard's losses in input order "
            + "and take the cut one process would (OUTPUT/keys/cuts.json); write = with --shard I/N, write that shard's records with their losses and the cut "
            + "(the default when --shard is given), then 'mmforge merge-shards OUTPUT'. Without --phase and --shard: all in this process.");
        command.SetAction(p =>
        {
            var options = new ScoreOptions
            {
                DropTopPercent = p.GetValue(dropTop),
                PerSource = p.GetValue(scope) == "source",
                ScoreName = p.GetValue(scoreName)!,
                MaxPending = p.GetValue(pending),
                Workers = p.GetValue(shared.Workers),
            };
            var sources = shared.OpenDataset(p, p.GetValue(input)!);
            var (client, cache) = models.Open(p);
            using var ownedCache = cache;
            var scorer = new SampleScorer(client, PromptTemplate.Named(p.GetValue(template)!));
            var dir = p.GetValue(output)!;
            var sharded = new ShardedScore(options, scorer);
            var exit = (p.GetValue(phase), shared.ShardOf(p)) switch
            {
                (ShardPhase.Keys, { } shard) => WriteKeys(sharded, sources, shard, dir),
                (ShardPhase.Decide, _) => Decide(sharded, dir),
                (_, { } shard) => WriteShard(sharded, sources, shard, dir, shared.Output(p)),
                _ => Write(dir, shared.Output(p), writer =>
                {
                    var job = new ScoreJob(options, scorer);
                    return (new ProgressDisplay(ScoreJob.Stage).Run(report => job.Run(sources, writer, report)), job.Cuts);
                }),
            };
            ModelOptions.PrintUsage(client);
            return exit;
        });
        return command;
    }

    private static int WriteKeys(ShardedScore sharded, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string dir) =>
        ShardPhase.RunKeys(ScoreJob.Stage, shard, dir, sharded.KeysWritten(shard, dir), report => sharded.WriteKeys(sources, shard, dir, report), "samples scored");

    private static int Decide(ShardedScore sharded, string dir)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cuts = sharded.Decide(dir);
        Console.Out.WriteLine($"score: decided the cut on every shard's losses in {clock.Elapsed.TotalSeconds:F1}s");
        PrintCuts(cuts);
        return Program.Ok;
    }

    private static int WriteShard(ShardedScore sharded, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string dir, DatasetWriterOptions writer)
    {
        var (options, cuts) = sharded.WritingOptions(shard, dir);
        var shardDir = shard.Directory(dir);
        if (JobRunner.FinishedShard(options, shardDir) is { } done) return done;
        return Write(shardDir, writer, output => (new ProgressDisplay(ScoreJob.Stage).Run(report => new RecordJob(options, report).Run(sources, output)), cuts), " (decided over every shard)");
    }

    /// <summary>Runs a writing pass with its summary; dropping the top losses is the job done, so only other rejects (unscorable or undecodable records) make it exit 1.</summary>
    private static int Write(string dir, DatasetWriterOptions options, Func<DatasetOutput, (Manifest Manifest, IReadOnlyList<GroupCut> Cuts)> run, string cutsOf = "")
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var writer = new DatasetOutput(dir, options);
        var (manifest, cuts) = run(writer);
        RunSummary.Print(ScoreJob.Stage, manifest, dir, Path.Combine(dir, DatasetDirectory.RejectsFile), clock.Elapsed);
        PrintCuts(cuts, cutsOf);
        return manifest.RejectsByRule.Keys.All(rule => rule == LossScoreRule.TopPercentRule) ? Program.Ok : Program.Rejected;
    }

    /// <param name="scope">Said after each group's name: what the counts are of, when not this output's records.</param>
    private static void PrintCuts(IReadOnlyList<GroupCut> cuts, string scope = "")
    {
        foreach (var cut in cuts)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  loss cut of {(cut.Group == LossCut.AllSources ? "all sources" : cut.Group)}{scope}: {cut.Dropped:N0} of {cut.Scored:N0} scored dropped{(cut.Threshold is { } t ? $", threshold {t:0.####}" : "")}"));
    }
}

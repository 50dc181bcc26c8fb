using System.CommandLine;
using System.Globalization;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;
using MMForge.Scoring;

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
            shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes,
        };
        foreach (var option in models.ForText) command.Options.Add(option);
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
            var job = new ScoreJob(options, new SampleScorer(client, PromptTemplate.Named(p.GetValue(template)!)));
            var dir = p.GetValue(output)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var writer = new DatasetOutput(dir, shared.Output(p));
            var manifest = new ProgressDisplay(ScoreJob.Stage).Run(report => job.Run(sources, writer, report));
            RunSummary.Print(ScoreJob.Stage, manifest, dir, Path.Combine(dir, DatasetDirectory.RejectsFile), clock.Elapsed);
            foreach (var cut in job.Cuts)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  loss cut of {(cut.Group == LossCut.AllSources ? "all sources" : cut.Group)}: {cut.Dropped:N0} of {cut.Scored:N0} scored dropped{(cut.Threshold is { } t ? $", threshold {t:0.####}" : "")}"));
            ModelOptions.PrintUsage(client);
            // Dropping the top losses is the job done; only other rejects (unscorable or undecodable records) make it exit 1.
            return manifest.RejectsByRule.Keys.All(rule => rule == LossScoreRule.TopPercentRule) ? Program.Ok : Program.Rejected;
        });
        return command;
    }
}

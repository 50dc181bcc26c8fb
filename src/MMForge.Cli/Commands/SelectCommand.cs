using System.CommandLine;
using MMForge.Cli.Terminal;
using MMForge.Pipeline;
using MMForge.Selection;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge select DATASET... -o DIR</c>: a balanced selection over the pooled inputs, cut into stage mixes.</summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var inputs = new Argument<string[]>("datasets")
        {
            Description = "mmforge dataset directories to pool (e.g. the curated and the synthesized data); samples keep their source. "
                + "Image sizes come from 'mmforge hash', image tags and instruction types from 'mmforge tag', when the selection uses them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = $"Mix directory to write: {MixDirectory.FileName} plus one dataset directory per mix. A new or empty directory, or an earlier selection (replaced).",
            Required = true,
        };
        var mixes = new Option<string?>("--mixes")
        {
            Description = "Mix file (YAML or JSON; docs/selection.md): a list of mixes, each with a name, an AnyRes grid limit (max_grid, max_views), "
                + "an optional max_visual_tokens budget and sources with a LLaVA-OneVision sampling strategy (all, first:N%, end:N%, random:N%, or a count). "
                + "Default: one mix named 'selected' with every selected sample.",
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of every random choice (the shuffle within groups, random:N% sampling, the order a token budget fills in), keyed by sample id; default 0.",
            DefaultValueFactory = _ => 0,
        };
        var balanceBy = new Option<string>("--balance-by")
        {
            Description = "Stratum key of the quota-stratified selection: source, type-l1 / type-l2 (first one / two levels of the instruction type), "
                + "image-tag (the highest-scored image tag), or none (default: no strata; --max-records and --yes-no-balance still apply).",
            DefaultValueFactory = _ => "none",
        };
        balanceBy.AcceptOnlyFromAmong("none", "source", "type-l1", "type-l2", "image-tag");
        var target = new Option<string>("--target")
        {
            Description = "Distribution the quotas aim at: uniform (every group the same, default), natural (groups as large as they are, so caps and the maximum "
                + "shrink them in proportion), or a YAML/JSON file of group: weight (groups it does not name are left out).",
            DefaultValueFactory = _ => "uniform",
        };
        var cap = new Option<long?>("--cap-per-group") { Description = "Most samples any one group contributes (default: no cap)." };
        var max = new Option<long?>("--max-records") { Description = "Most samples the selection keeps in all (default: all the quotas allow)." };
        var diversity = new Option<bool>("--diversity")
        {
            Description = "Within a group over its quota, choose greedily the samples whose image tags are least covered so far (SVIT-like coverage) instead of a seeded random subset. Off by default.",
        };
        var yesNo = new Option<bool>("--yes-no-balance")
        {
            Description = "Leave out samples that lean to the commoner of the answers \"yes\" and \"no\" until both are equally many (counted as the yes-no-balance rule counts them). Off by default.",
        };
        foreach (var option in new Option[] { cap, max })
            option.Validators.Add(r => { if (r.GetValueOrDefault<long?>() is < 0) r.AddError($"{r.IdentifierToken?.Value} must be 0 or more"); });

        var command = new Command("select", "Select a balanced subset of the pooled inputs and cut it into training-stage mixes. "
            + "Quota-stratified selection toward a target distribution over a stratum key (source, instruction type, image tag) with a per-group cap and an overall maximum, "
            + "SVIT-like tag coverage and yes/no balancing; then per mix, LLaVA-OneVision sampling per source and a visual-token budget under the mix's AnyRes grid limit. "
            + "Samples left out are counted by reason in mixes.json and each mix's manifest, not rejected. Deterministic.")
        {
            inputs, output, mixes, seed, balanceBy, target, cap, max, diversity, yesNo, shared.Shard, shared.Gzip, shared.ShardRecords, shared.Workers, shared.MaxRecordBytes,
        };
        var phase = ShardPhase.Add(command, shared.Shard, "Run one step of a sharded selection (what 'mmforge run --workers N' and the Slurm/Kubernetes executors do): "
            + "keys = with --shard I/N, write the selection keys of that shard's records to OUTPUT/keys/; decide = take the decisions one process would, in passes over "
            + "every shard's keys read one file at a time, never all in memory (writes OUTPUT/keys/decisions.bin); write = with --shard I/N, write that shard's records of every mix to OUTPUT/MIX/shards/ "
            + "(the default when --shard is given), then 'mmforge merge-shards OUTPUT' joins each mix and writes mixes.json. Without --phase and --shard: all in this process.");
        command.SetAction(p =>
        {
            var by = BalanceOptions.ParseKey(p.GetValue(balanceBy)!);
            var targetText = p.GetValue(target)!;
            if (by == StratumKey.None && (targetText != "uniform" || p.GetValue(cap) is not null))
                throw new ArgumentException("--target and --cap-per-group share samples out among groups: give --balance-by as well");
            var balance = new BalanceOptions
            {
                By = by,
                Target = targetText switch { "uniform" => TargetKind.Uniform, "natural" => TargetKind.Natural, _ => TargetKind.Weights },
                Weights = targetText is "uniform" or "natural" ? new Dictionary<string, double>() : TargetWeights.Load(targetText),
                CapPerGroup = p.GetValue(cap),
                MaxRecords = p.GetValue(max),
                Diversity = p.GetValue(diversity),
                YesNoBalance = p.GetValue(yesNo),
            };
            if (balance.Diversity && by == StratumKey.None && balance.MaxRecords is null)
                throw new ArgumentException("--diversity chooses among samples over a quota: give --balance-by or --max-records as well");
            var options = new SelectOptions
            {
                Balance = balance,
                Mixes = p.GetValue(mixes) is { } file ? MixFile.Load(file) : [MixSpec.Selected],
                Seed = p.GetValue(seed),
                Workers = p.GetValue(shared.Workers),
                Writer = shared.Output(p),
            };
            var sources = p.GetValue(inputs)!.SelectMany(dir => shared.OpenDataset(p, dir)).ToList();
            var dir = p.GetValue(output)!;
            var strata = by == StratumKey.None ? null : $"{p.GetValue(balanceBy)} toward the {(balance.Target == TargetKind.Weights ? "weights of " : "")}{targetText} target";
            var sharded = new ShardedSelection(options);
            return (p.GetValue(phase), shared.ShardOf(p)) switch
            {
                (ShardPhase.Keys, { } shard) => WriteKeys(sharded, sources, shard, dir),
                (ShardPhase.Decide, _) => Decide(sharded, sources, dir, strata),
                (_, { } shard) => WriteShard(sharded, sources, shard, dir),
                _ => Select(options, sources, dir, strata),
            };
        });
        return command;
    }

    private static int Select(SelectOptions options, IReadOnlyList<MMForge.Formats.OpenedSource> sources, string dir, string? strata)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = new ProgressDisplay(SelectionJob.Stage).Run(report => new SelectionJob(options).Run(sources, dir, report));
        foreach (var warning in result.Warnings) Console.Error.WriteLine("warning: " + warning);
        Console.Out.WriteLine($"select: {result.Mixes.Mixes.Count} mix(es) in {clock.Elapsed.TotalSeconds:F1}s -> {dir}");
        PrintDecisions(result.Pool, result.ImagesWithoutSize, strata);
        return PrintMixes(result, dir);
    }

    private static int WriteKeys(ShardedSelection sharded, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string dir) =>
        ShardPhase.RunKeys(SelectionJob.Stage, shard, dir, sharded.KeysWritten(shard, dir), report => sharded.WriteKeys(sources, shard, dir, report), "records read");

    private static int Decide(ShardedSelection sharded, IReadOnlyList<MMForge.Formats.OpenedSource> sources, string dir, string? strata)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var decided = sharded.Decide(sources, dir);
        foreach (var warning in decided.Warnings) Console.Error.WriteLine("warning: " + warning);
        Console.Out.WriteLine($"select: decided on every shard's keys in {clock.Elapsed.TotalSeconds:F1}s: "
            + string.Join(", ", decided.Cuts.Select(c => $"{c.Spec.Name} {c.Records:N0} records, {c.VisualTokens:N0} visual tokens")));
        PrintDecisions(decided.Pool, decided.ImagesWithoutSize, strata);
        return Program.Ok;
    }

    private static int WriteShard(ShardedSelection sharded, IReadOnlyList<MMForge.Formats.OpenedSource> sources, ShardSpec shard, string dir)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var manifests = new ProgressDisplay(SelectionJob.Stage).Run(report =>
            sharded.WriteShard(sources, shard, dir, report, skipped => Console.Out.WriteLine($"select: {skipped} is already complete; skipped")));
        Console.Out.WriteLine($"select: shard {shard} of {manifests.Count} mix(es) in {clock.Elapsed.TotalSeconds:F1}s: {manifests.Sum(m => m.Records):N0} records, {manifests.Sum(m => m.Rejected):N0} rejected");
        return manifests.Any(m => m.Rejected > 0) ? Program.Rejected : Program.Ok;
    }

    /// <summary>The summary of <c>merge-shards</c> on a sharded selection: each mix as one process prints it.</summary>
    public static int PrintMerged(SelectionResult result, string dir)
    {
        foreach (var warning in result.Warnings) Console.Error.WriteLine("warning: " + warning);
        Console.Out.WriteLine($"select (merged {result.Manifests[0].Stages[^1].Params["shards"]} shards): {result.Mixes.Mixes.Count} mix(es) -> {dir}");
        return PrintMixes(result, dir);
    }

    private static void PrintDecisions(SelectionPool pool, long imagesWithoutSize, string? strata)
    {
        var o = Console.Out;
        if (strata is not null)
        {
            o.WriteLine($"  groups by {strata}: size -> quota");
            foreach (var (group, size, _, quota) in pool.Groups.OrderByDescending(g => g.Size).ThenBy(g => g.Group, StringComparer.Ordinal))
                o.WriteLine($"    {group}: {size:N0} -> {quota:N0}");
        }
        if (imagesWithoutSize > 0)
            o.WriteLine($"  {imagesWithoutSize:N0} image(s) have no size (run 'mmforge hash'): counted at their mix's full allowance");
    }

    /// <summary>Each mix: its limit, records, visual tokens, sources, what it left out and rejected; exit 1 when records did not decode.</summary>
    private static int PrintMixes(SelectionResult result, string dir)
    {
        var o = Console.Out;
        foreach (var (mix, manifest) in result.Mixes.Mixes.Zip(result.Manifests))
        {
            var limit = mix.MaxGrid is { } grid ? $"max_grid {grid}, max_views {mix.MaxViews}" : "AnyRes-Max-9";
            var budget = mix.MaxVisualTokens is { } b ? $" of {b:N0}" : "";
            o.WriteLine($"  mix {mix.Name} ({limit}): {mix.Records:N0} records, {mix.VisualTokens:N0}{budget} visual tokens -> {MixDirectory.DatasetOf(dir, mix)}");
            foreach (var (source, n) in mix.RecordsBySource) o.WriteLine($"    {source}: {n:N0}");
            if (mix.UnselectedByReason.Count > 0)
                o.WriteLine("    not in this mix: " + string.Join(", ", mix.UnselectedByReason.Select(r => $"{r.Key} {r.Value:N0}")));
            if (manifest.Rejected > 0)
                o.WriteLine($"    rejected (undecodable input): {manifest.Rejected:N0}, see {Path.Combine(MixDirectory.DatasetOf(dir, mix), DatasetDirectory.RejectsFile)}");
        }
        return result.Manifests.Any(m => m.Rejected > 0) ? Program.Rejected : Program.Ok;
    }
}

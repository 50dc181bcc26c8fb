using MMForge.Pipeline;
using MMForge.Recipes;
using MMForge.Selection;

namespace MMForge.Reports;

/// <summary>What the report reads a directory as.</summary>
public enum ReportInputKind { Run, Dataset, Mixes }

/// <summary>One dataset directory of the final data, with the stage mix it belongs to (null outside a selection).</summary>
public sealed record FinalPart(string? Mix, string DatasetDir);

/// <summary>A dataset directory made by a stage, for the counts its manifest keeps (rejects by rule, dropped pairs).</summary>
public sealed record StageDataset(string Stage, string DatasetDir);

/// <summary>
/// Where each number of the report comes from, for a run directory (run.json), a dataset
/// directory (its manifest's stage history) or a mix directory (mixes.json): the funnel, the
/// datasets whose manifests count rejects, the dedup cluster files, the dataset the sources
/// were ingested into, and the final data the distributions are drawn from.
/// </summary>
public sealed class ReportInput
{
    public required ReportInputKind Kind { get; init; }
    public List<FunnelStep> Funnel { get; } = [];
    public List<StageDataset> StageDatasets { get; } = [];
    public List<string> ClusterFiles { get; } = [];

    /// <summary>The first dataset of the pipeline: per-source counts after ingest and the input formats.</summary>
    public Manifest? Ingested { get; set; }
    public List<FinalPart> Final { get; } = [];
    public List<MixInfo> Mixes { get; } = [];

    /// <exception cref="ArgumentException">The directory is none of a run, a dataset or a mix directory.</exception>
    public static ReportInput Open(string dir)
    {
        if (RunFile.IsRun(dir)) return FromRun(dir, RunFile.Load(dir));
        if (MixDirectory.IsMixDirectory(dir)) return FromMixes(dir);
        if (DatasetDirectory.IsDataset(dir)) return FromDataset(dir);
        throw new ArgumentException($"{dir} is not a run directory ({RunFile.FileName}), a mix directory ({MixDirectory.FileName}) or an mmforge dataset directory ({Manifest.FileName})");
    }

    private static ReportInput FromRun(string runDir, RunFile run)
    {
        var input = new ReportInput { Kind = ReportInputKind.Run };
        List<FinalPart>? final = null;
        foreach (var stage in run.Stages)
        {
            // a Files stage (a model, an export) is not read, so its output may be anywhere
            var output = stage.Kind == StageOutputKind.Files ? "" : Inside(runDir, stage.Output, $"{RunFile.FileName}: stage {stage.Name}");
            switch (stage.Kind)
            {
                case StageOutputKind.Dataset:
                    var manifest = Manifest.Load(output);
                    input.Funnel.Add(new FunnelStep { Stage = stage.Name, Command = stage.Command, Records = manifest.Records });
                    input.AddStageDataset(stage.Name, output);
                    input.Ingested ??= manifest;
                    final = [new FinalPart(null, output)];
                    input.Mixes.Clear();
                    break;
                case StageOutputKind.Mixes:
                    var mixes = MixDirectory.Load(output);
                    input.Funnel.Add(new FunnelStep { Stage = stage.Name, Command = stage.Command, Records = mixes.Mixes.Sum(m => m.Records) });
                    foreach (var mix in mixes.Mixes) input.StageDatasets.Add(new StageDataset($"{stage.Name}/{mix.Name}", MixDirectory.DatasetOf(output, mix)));
                    final = mixes.Mixes.Select(m => new FinalPart(m.Name, MixDirectory.DatasetOf(output, m))).ToList();
                    input.Mixes.Clear();
                    input.Mixes.AddRange(mixes.Mixes);
                    break;
                case StageOutputKind.Files:
                    break; // nothing to count
            }
        }
        if (final is null) throw new ArgumentException($"{runDir}/{RunFile.FileName} lists no stage that made a dataset or a selection yet");
        input.Final.AddRange(final);
        return input;
    }

    private static ReportInput FromDataset(string dir)
    {
        var manifest = Manifest.Load(dir);
        var input = new ReportInput { Kind = ReportInputKind.Dataset };
        foreach (var stage in manifest.Stages) input.Funnel.Add(new FunnelStep { Stage = stage.Name, Command = stage.Name, Records = stage.RecordsOut });
        input.AddStageDataset(manifest.Stages.LastOrDefault()?.Name ?? "dataset", dir);
        // the per-source counts after ingest exist only when this dataset is the ingest itself
        if (manifest.Stages.Count == 1) input.Ingested = manifest;
        input.Final.Add(new FinalPart(null, dir));
        return input;
    }

    private static ReportInput FromMixes(string dir)
    {
        var mixes = MixDirectory.Load(dir);
        var input = new ReportInput { Kind = ReportInputKind.Mixes };
        // every mix carries the history of the stages before the selection; the first one's stands for all
        if (mixes.Mixes.FirstOrDefault() is { } first)
            foreach (var stage in Manifest.Load(MixDirectory.DatasetOf(dir, first)).Stages.Where(s => s.Name != SelectStage))
                input.Funnel.Add(new FunnelStep { Stage = stage.Name, Command = stage.Name, Records = stage.RecordsOut });
        input.Funnel.Add(new FunnelStep { Stage = SelectStage, Command = SelectStage, Records = mixes.Mixes.Sum(m => m.Records) });
        foreach (var mix in mixes.Mixes)
        {
            input.StageDatasets.Add(new StageDataset($"{SelectStage}/{mix.Name}", MixDirectory.DatasetOf(dir, mix)));
            input.Final.Add(new FinalPart(mix.Name, MixDirectory.DatasetOf(dir, mix)));
        }
        input.Mixes.AddRange(mixes.Mixes);
        return input;
    }

    private const string SelectStage = "select";

    private void AddStageDataset(string stage, string dir)
    {
        StageDatasets.Add(new StageDataset(stage, dir));
        var clusters = Path.Combine(dir, Dedup.ClustersFile.FileName);
        if (File.Exists(clusters)) ClusterFiles.Add(clusters);
    }

    /// <summary>A stage output named in run.json, kept inside the run directory.</summary>
    private static string Inside(string runDir, string relative, string what)
    {
        var root = Path.GetFullPath(runDir);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (Path.IsPathRooted(relative) || !(full + "/").StartsWith(root + "/", StringComparison.Ordinal))
            throw new FormatException($"{what}: output '{relative}' is outside the run directory");
        return full;
    }
}

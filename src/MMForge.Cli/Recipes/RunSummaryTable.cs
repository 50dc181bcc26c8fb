using MMForge.Pipeline;
using MMForge.Recipes;
using MMForge.Selection;

namespace MMForge.Cli.Recipes;

/// <summary>The one-screen summary at the end of a run: per stage what happened, the records in and out, time and memory.</summary>
internal sealed class RunSummaryTable(string runDirectory)
{
    /// <summary>By stage number: stages that run side by side finish in any order, the table is in recipe order.</summary>
    private readonly SortedList<int, string[]> _rows = [];

    public void Add(PlannedStage stage, string status, RunStage? record) => _rows.Add(stage.Number,
    [
        stage.Name, stage.Shape.Command, status,
        record is null ? "" : Counts(stage),
        record is null ? "" : $"{record.Seconds:F1}s",
        record is null || record.PeakMemoryBytes == 0 ? "" : $"{record.PeakMemoryBytes / (1024.0 * 1024):F0} MiB",
    ]);

    /// <summary>What the stage's output holds: records kept and rejected, the mixes of a selection, or its folder.</summary>
    public string Counts(PlannedStage stage)
    {
        switch (stage.Shape.Output)
        {
            case StageOutputKind.Dataset:
                var manifest = Manifest.Load(stage.Output);
                var last = manifest.Stages.LastOrDefault();
                var rules = string.Join(", ", manifest.RejectsByRule.OrderByDescending(r => r.Value).Take(3).Select(r => $"{r.Key} {r.Value:N0}"));
                return $"{last?.RecordsIn ?? manifest.Records:N0} -> {manifest.Records:N0} records" + (manifest.Rejected > 0 ? $" ({manifest.Rejected:N0} rejected: {rules})" : "");
            case StageOutputKind.Mixes:
                var mixes = MixDirectory.Load(stage.Output).Mixes;
                return string.Join(", ", mixes.Select(m => $"{m.Name} {m.Records:N0}")) + " records";
            case StageOutputKind.Files when Exports.ExportManifest.IsExport(stage.Output):
                var export = Exports.ExportManifest.Load(stage.Output);
                return $"{export.Records:N0} records written" + (export.Rejected > 0 ? $" ({export.Rejected:N0} rejected)" : "") + $", {export.Format}";
            default:
                return "-> " + Path.GetRelativePath(runDirectory, stage.Product);
        }
    }

    public void Print(TextWriter output)
    {
        string[] header = ["stage", "command", "status", "records", "time", "peak memory"];
        var widths = header.Select((h, i) => _rows.Values.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine();
        foreach (var row in _rows.Values.Prepend(header))
            output.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        output.WriteLine($"run directory: {runDirectory} (run.json, stages/, logs/)");
    }
}

using MMForge.Pipeline;
using MMForge.Recipes;
using MMForge.Selection;

namespace MMForge.Bench;

/// <summary>One stage of a recipe run, as the benchmark reports it.</summary>
/// <param name="RecordsOut">Records written, or null for a stage that writes files, not records.</param>
/// <param name="CpuSeconds">User + system time of the stage's process, when it was measured.</param>
public sealed record StageFigures(string Name, string Command, long RecordsIn, long? RecordsOut, long Rejected, double Seconds, long PeakMemoryBytes)
{
    public double? CpuSeconds { get; init; }
    public double RecordsPerSecond => Seconds > 0 ? RecordsIn / Seconds : 0;
    public double? RecordsPerCpuSecond => CpuSeconds > 0 ? RecordsIn / CpuSeconds : null;
    public double PeakMiB => PeakMemoryBytes / (1024.0 * 1024);
}

/// <summary>
/// The per-stage figures of a finished run, from run.json and what each stage wrote: any stage
/// is reported by the kind of its output (a dataset, mixes, files), so stages the benchmark does
/// not know are reported too. Records in are what the stage read: its manifest's count, or for a
/// stage that does not write one, the records of the stages it read.
/// </summary>
public static class RunReport
{
    public static IReadOnlyList<StageFigures> Read(string runDir)
    {
        var run = RunFile.Load(runDir);
        var recordsOut = new Dictionary<string, long>(StringComparer.Ordinal);
        var figures = new List<StageFigures>();
        foreach (var stage in run.Stages)
        {
            var output = Path.Combine(runDir, stage.Output);
            var read = stage.Inputs.Sum(input => recordsOut.GetValueOrDefault(input));
            long? written = null;
            long rejected = 0;
            switch (stage.Kind)
            {
                case StageOutputKind.Dataset:
                    var manifest = Manifest.Load(output);
                    read = manifest.Stages.LastOrDefault()?.RecordsIn ?? read;
                    (written, rejected) = (manifest.Records, manifest.Rejected);
                    break;
                case StageOutputKind.Mixes:
                    written = MixDirectory.Load(output).Mixes.Sum(m => m.Records);
                    break;
            }
            if (written is { } n) recordsOut[stage.Name] = n;
            figures.Add(new StageFigures(stage.Name, stage.Command, read, written, rejected, stage.Seconds, stage.PeakMemoryBytes));
        }
        return figures;
    }

    /// <summary>A Markdown table of the stages, with records per second and MiB, then the sums.</summary>
    public static string Markdown(IReadOnlyList<StageFigures> stages, double wallSeconds)
    {
        var lines = new List<string>
        {
            "| stage | command | records in | records out | rejected | seconds | records/s | CPU-s | records per CPU-s | peak MiB |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(stages.Select(s =>
            $"| {s.Name} | {s.Command} | {s.RecordsIn:N0} | {(s.RecordsOut is { } n ? n.ToString("N0") : "files")} | {s.Rejected:N0} | {s.Seconds:F1} | {s.RecordsPerSecond:N0} " +
            $"| {s.CpuSeconds:F1} | {s.RecordsPerCpuSecond:N0} | {s.PeakMiB:F0} |"));
        var largest = stages.MaxBy(s => s.PeakMemoryBytes);
        // no sum of rejects: a stage's rejects are not all losses (synthesis rejects the images it had nothing to ask about)
        lines.Add($"| **all stages** | | | | | {stages.Sum(s => s.Seconds):F1} (run: {wallSeconds:F1}) | " +
                  $"| {stages.Sum(s => s.CpuSeconds):F1} | | {largest?.PeakMiB:F0} ({largest?.Name}) |");
        return string.Join('\n', lines);
    }
}

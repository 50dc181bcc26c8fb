using System.CommandLine;
using MMForge.Formats;
using MMForge.Reports;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge inspect DIR|FILE</c>: counts and a few records, as text or JSON.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var shared = new SharedOptions();
        var input = new Argument<string>("input") { Description = "Dataset directory or data file." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var examples = new Option<int>("--examples", "-n") { Description = "How many records to show (default 2).", DefaultValueFactory = _ => 2 };
        var command = new Command("inspect", "Show what a dataset holds: records per source, images and turns per sample, rejects by rule, the stages that made it, and a few records.")
        {
            input, json, examples, shared.Format,
        };
        command.SetAction(p =>
        {
            var report = DatasetInspector.Inspect(p.GetValue(input)!, p.GetValue(examples), FormatRegistry.Default, p.GetValue(shared.Format));
            Console.Out.WriteLine(p.GetValue(json) ? DatasetInspector.ToJson(report) : Describe(report));
            return report.Unreadable > 0 ? 1 : 0;
        });
        return command;
    }

    private static string Describe(InspectionReport r)
    {
        var s = new System.Text.StringBuilder();
        s.AppendLine($"{r.Path}: {r.Records:N0} records ({r.Format}){(r.Unreadable > 0 ? $", {r.Unreadable:N0} unreadable" : "")}");
        Section(s, "records by source", r.RecordsBySource.Select(kv => (kv.Key, kv.Value)));
        Section(s, "images per sample", r.ImagesPerSample.Select(kv => (kv.Key.ToString(), kv.Value)));
        Section(s, "turns per sample", r.TurnsPerSample.Select(kv => (kv.Key.ToString(), kv.Value)));
        if (r.WithAnnotations > 0) s.AppendLine($"samples with annotations: {r.WithAnnotations:N0}");
        Section(s, "rejected by rule (when the dataset was made)", r.RejectsByRule.Select(kv => (kv.Key, kv.Value)));
        Section(s, "unreadable here, by rule", r.UnreadableByRule.Select(kv => (kv.Key, kv.Value)));
        if (r.Stages.Count > 0) s.AppendLine("stages: " + string.Join(" -> ", r.Stages.Select(st => $"{st.Name} ({st.RecordsIn:N0} in, {st.RecordsOut:N0} out, {st.Rejected:N0} rejected)")));
        foreach (var example in r.Examples) s.AppendLine("example: " + example);
        return s.ToString().TrimEnd();
    }

    private static void Section(System.Text.StringBuilder s, string title, IEnumerable<(string Key, long Count)> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0) return;
        s.AppendLine(title + ":");
        foreach (var (key, count) in list) s.AppendLine($"  {key,-24} {count,12:N0}");
    }
}

using System.Text.Json;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Reports;

/// <summary>What <c>mmforge inspect</c> shows about a dataset directory or a data file.</summary>
public sealed class InspectionReport
{
    public string Path { get; set; } = "";
    public string Format { get; set; } = "";
    public long Records { get; set; }
    public long Unreadable { get; set; }
    public SortedDictionary<string, long> RecordsBySource { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<int, long> ImagesPerSample { get; } = [];
    public SortedDictionary<int, long> TurnsPerSample { get; } = [];
    public SortedDictionary<string, long> RejectsByRule { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> UnreadableByRule { get; } = new(StringComparer.Ordinal);
    public long TextOnly { get; set; }
    public long WithAnnotations { get; set; }
    public List<string> Examples { get; } = [];
    public List<StageInfo> Stages { get; } = [];
}

/// <summary>Streams through an input once and counts what a person checks first.</summary>
public static class DatasetInspector
{
    public static InspectionReport Inspect(string path, int examples, FormatRegistry registry, string? format = null)
    {
        var report = new InspectionReport { Path = path };
        foreach (var source in new SourceOpener(registry).Open(new SourceRequest(path) { Format = format }))
        {
            report.Format = source.Codec.Name;
            if (source.DatasetManifest is { } manifest)
            {
                report.Stages.AddRange(manifest.Stages);
                foreach (var (rule, n) in manifest.RejectsByRule) report.RejectsByRule[rule] = n;
            }
            // a source that breaks off counts as one unreadable record, as every stage reports it
            foreach (var raw in RecordJob.Guarded(SourceContext.ForReading(source)))
            {
                var decoded = RecordDecoder.Decode(raw, source.Codec);
                if (decoded.Sample is not { } sample)
                {
                    report.Unreadable++;
                    report.UnreadableByRule[decoded.Error!.Rule] = report.UnreadableByRule.GetValueOrDefault(decoded.Error.Rule) + 1;
                    continue;
                }
                Count(report, sample, source.Name);
                if (report.Examples.Count < examples)
                    report.Examples.Add(JsonText.Write(w => source.Codec.Encode(w, sample)));
            }
        }
        return report;
    }

    private static void Count(InspectionReport report, Sample sample, string sourceName)
    {
        report.Records++;
        var source = sample.Source ?? sourceName;
        report.RecordsBySource[source] = report.RecordsBySource.GetValueOrDefault(source) + 1;
        report.ImagesPerSample[sample.Images.Count] = report.ImagesPerSample.GetValueOrDefault(sample.Images.Count) + 1;
        report.TurnsPerSample[sample.Turns.Count] = report.TurnsPerSample.GetValueOrDefault(sample.Turns.Count) + 1;
        if (sample.Images.Count == 0) report.TextOnly++;
        if (sample.Annotations is { IsEmpty: false }) report.WithAnnotations++;
    }

    public static string ToJson(InspectionReport report) => JsonSerializer.Serialize(report, new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

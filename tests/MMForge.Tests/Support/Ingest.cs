using System.Text.Json;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Tests.Support;

/// <summary>Runs the real ingest job into a dataset directory and reads back what it wrote.</summary>
public static class Ingest
{
    public static Manifest Run(string outDir, IEnumerable<SourceRequest> inputs, RuleSet? rules = null, IReadOnlyList<PathMapping>? mappings = null, int workers = 2, DatasetWriterOptions? writer = null)
    {
        var sources = inputs.SelectMany(r => new SourceOpener(FormatRegistry.Default).Open(r)).ToList();
        var options = new JobOptions { Stage = "ingest", Rules = rules ?? new RuleSet(), Workers = workers, PathMappings = mappings ?? [] };
        using var output = new DatasetOutput(outDir, writer ?? new DatasetWriterOptions());
        return new RecordJob(options).Run(sources, output);
    }

    public static Manifest Run(string outDir, params string[] files) => Run(outDir, files.Select(f => new SourceRequest(f)));

    /// <summary>The samples of a dataset directory, in order.</summary>
    public static List<Sample> Samples(string datasetDir) => Read.All(datasetDir).Samples;

    /// <summary>The entries of a dataset's rejects file.</summary>
    public static List<JsonElement> Rejects(string datasetDir) =>
        File.ReadAllLines(Path.Combine(datasetDir, DatasetDirectory.RejectsFile))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}

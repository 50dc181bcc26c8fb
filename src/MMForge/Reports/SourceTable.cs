using MMForge.Pipeline;

namespace MMForge.Reports;

/// <summary>
/// The data-source table (as the Infinity-MM paper's): per sample source, the samples ingest
/// kept, the samples in the final data, their share, images, mean turns and text length, and
/// the formats the source was read from.
/// </summary>
public static class SourceTable
{
    public static List<SourceRow> Rows(FinalStatistics stats, Manifest? ingested)
    {
        var names = stats.Sources.Keys.Union(ingested?.RecordsBySource.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal);
        return names.Select(name =>
        {
            var final = stats.Sources.GetValueOrDefault(name);
            var kept = final?.Samples ?? 0;
            return new SourceRow
            {
                Source = name,
                Ingested = ingested is null ? null : ingested.RecordsBySource.GetValueOrDefault(name),
                Kept = kept,
                Share = stats.Samples == 0 ? 0 : Math.Round((double)kept / stats.Samples, 4),
                Images = final?.Images ?? 0,
                MeanTurns = final?.MeanTurns ?? 0,
                MeanTextChars = final?.MeanTextChars ?? 0,
                Formats = ingested?.Sources.Where(s => s.Name == name).Select(s => s.Format).Distinct().Order(StringComparer.Ordinal).ToList() ?? [],
            };
        }).ToList();
    }
}

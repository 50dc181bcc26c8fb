namespace MMForge.Formats.Writers;

/// <summary>Chooses the writer for an output path and format name.</summary>
public static class SampleWriters
{
    /// <summary>Writer-only formats, beside the record codecs.</summary>
    public const string WebDatasetFormat = "webdataset";
    public const string CocoFormat = "coco";

    /// <summary>
    /// Opens a writer: record codecs write a JSON array for <c>.json</c>, JSON Lines for
    /// <c>.jsonl</c> / <c>.jsonl.gz</c>, and WebDataset shards for <c>.tar</c> / <c>.tar.gz</c>
    /// (Infinity-MM's release layout); <c>webdataset</c> writes mmforge records with image
    /// members, <c>coco</c> one COCO annotation file.
    /// </summary>
    public static ISampleWriter Open(string path, string format, FormatRegistry registry)
    {
        if (format.Equals(WebDatasetFormat, StringComparison.OrdinalIgnoreCase)) return WebDatasetWriter.Unified(path);
        if (format.Equals(CocoFormat, StringComparison.OrdinalIgnoreCase)) return new CocoWriter(path);
        var codec = registry.FindCodec(format)
            ?? throw new FormatException($"no writer for format '{format}'; writable formats: {string.Join(", ", registry.Codecs.Select(c => c.Name).Append(WebDatasetFormat).Append(CocoFormat))}");
        if (IsTar(path)) return WebDatasetWriter.ForCodec(path, codec);
        var array = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        return new JsonRecordsWriter(path, codec, array);
    }

    private static bool IsTar(string path) =>
        path.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase);
}

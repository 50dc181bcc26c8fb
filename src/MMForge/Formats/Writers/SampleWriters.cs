namespace MMForge.Formats.Writers;

/// <summary>Chooses the writer for an output path and format name.</summary>
public static class SampleWriters
{
    /// <summary>
    /// Opens a writer: record codecs write a JSON array for <c>.json</c> and JSON Lines for
    /// <c>.jsonl</c> / <c>.jsonl.gz</c>; other formats are named explicitly.
    /// </summary>
    public static ISampleWriter Open(string path, string format, FormatRegistry registry)
    {
        var codec = registry.FindCodec(format)
            ?? throw new FormatException($"no writer for format '{format}'; writable formats: {string.Join(", ", registry.Codecs.Select(c => c.Name))}");
        var array = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        return new JsonRecordsWriter(path, codec, array);
    }
}

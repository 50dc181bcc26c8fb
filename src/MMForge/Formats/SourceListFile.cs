using System.Text.Json;
using System.Text.Json.Serialization;

namespace MMForge.Formats;

/// <summary>One entry of a sources file: an input and how to read it, as --format, --source and --image-root say for a single input.</summary>
public sealed class SourceListEntry
{
    public string Path { get; set; } = "";
    public string? Format { get; set; }
    public string? Source { get; set; }
    public string? ImageRoot { get; set; }
    public string? BaseDir { get; set; }
}

/// <summary>
/// A JSON list of inputs for <c>mmforge ingest --sources-file</c>, each with its own format, source
/// name and image root (what one ingest of mixed datasets needs; recipes write one). Relative
/// paths are relative to the working directory, as on the command line.
/// </summary>
public static class SourceListFile
{
    /// <summary>mmforge's file conventions, refusing unknown keys: a misspelt "image_root" must not be ignored.</summary>
    private static readonly JsonSerializerOptions Options = new(Pipeline.StateFileJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    public static string ToJson(IEnumerable<SourceListEntry> entries) => JsonSerializer.Serialize(entries.ToList(), Options) + "\n";

    /// <summary>The requests of the file, each with <paramref name="maxRecordBytes"/>; a clear error for a malformed file or an entry without a path.</summary>
    public static List<SourceRequest> Load(string path, long maxRecordBytes)
    {
        List<SourceListEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<SourceListEntry>>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"sources file {path}: {JsonErrors.Reason(e)} at {JsonErrors.Position(e)}", e);
        }
        if (entries is null || entries.Count == 0) throw new FormatException($"sources file {path} lists no sources");
        return entries.Select((e, i) => string.IsNullOrWhiteSpace(e.Path)
            ? throw new FormatException($"sources file {path}: entry {i + 1} has no path")
            : new SourceRequest(e.Path) { Format = e.Format, SourceName = e.Source, ImageRoot = e.ImageRoot, BaseDir = e.BaseDir, MaxRecordBytes = maxRecordBytes }).ToList();
    }
}

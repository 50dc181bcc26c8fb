using System.Text.Json;
using MMForge.Formats.Codecs;

namespace MMForge.Formats.Documents;

/// <summary>
/// InternVL meta files: {"name": {"root", "annotation", "repeat_time", "length", "data_augment"...}}.
/// Each entry opens as one source named by its key, reading the annotation file (JSON Lines or
/// JSON of InternVL/LLaVA records, format detected) with images under <c>root</c>; an empty root
/// means a text-only dataset. Relative paths resolve against <see cref="SourceRequest.BaseDir"/>,
/// else the working directory, as InternVL's training script does. Every other entry setting
/// is kept in <see cref="OpenedSource.Info"/> as text.
/// A missing annotation file fails when that entry's records are read, not when the meta file
/// is opened, so a meta file can be listed, and its present datasets read, while others are
/// still downloading; its codec is then taken to be InternVL's.
/// </summary>
public sealed class InternVlMeta : IDocumentFormat
{
    public string Name => "internvl-meta";
    public string Description => "InternVL meta file: {name: {root, annotation, repeat_time, length, data_augment}}, one source per entry";

    /// <summary>A non-empty object whose every value is an object naming an annotation file.</summary>
    public int Match(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object && document.EnumerateObject().Any()
        && document.EnumerateObject().All(e => e.Value.ValueKind == JsonValueKind.Object && e.Value.TryGetProperty("annotation", out _))
            ? 20
            : 0;

    public IEnumerable<OpenedSource> Open(JsonElement document, SourceRequest request, FormatRegistry registry)
    {
        if (document.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{request.Path}: an InternVL meta file is a JSON object of datasets");
        var baseDir = request.BaseDir ?? Directory.GetCurrentDirectory();
        return document.EnumerateObject().Select(entry => OpenEntry(entry, request, baseDir, registry)).ToList();
    }

    private static OpenedSource OpenEntry(JsonProperty entry, SourceRequest request, string baseDir, FormatRegistry registry)
    {
        var where = $"{request.Path}: entry '{entry.Name}'";
        if (entry.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object");
        var annotation = Path.GetFullPath(Setting(entry.Value, "annotation", where) ?? throw new FormatException($"{where} has no annotation file"), baseDir);
        var root = Setting(entry.Value, "root", where) is { Length: > 0 } r ? Path.GetFullPath(r, baseDir) : null;
        var info = entry.Value.EnumerateObject()
            .Where(p => p.Name is not ("annotation" or "root"))
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : Records.JsonText.Compact(p.Value));

        if (!File.Exists(annotation))
            return new OpenedSource(entry.Name, registry.FindCodec("internvl") ?? new InternVlCodec(), Missing(where, annotation))
            {
                ImageRoot = root, File = annotation, Info = info,
            };
        // the annotation file holds records, so its format is detected rather than taken from
        // the request, whose format (if any) named this meta file
        var opened = new SourceOpener(registry).Open(new SourceRequest(annotation) { MaxRecordBytes = request.MaxRecordBytes }).ToList();
        if (opened.Count != 1) throw new FormatException($"{where}: annotation file {annotation} is not a file of records");
        return opened[0] with { Name = entry.Name, ImageRoot = root, Info = info };
    }

    private static string? Setting(JsonElement entry, string name, string where) =>
        !entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"{where}: '{name}' must be a path string, found {JsonFields.Describe(value.ValueKind)}");

    /// <summary>Records that fail with the missing path as soon as they are enumerated (and not before).</summary>
    private static IEnumerable<RawRecord> Missing(string where, string annotation) =>
        Enumerable.Range(0, 1).Select<int, RawRecord>(_ => throw new FileNotFoundException($"{where}: annotation file not found: {annotation}", annotation));
}

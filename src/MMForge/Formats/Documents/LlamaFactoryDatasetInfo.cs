using System.Text.Json;
using MMForge.Formats.Codecs;
using MMForge.Records;

namespace MMForge.Formats.Documents;

/// <summary>
/// LLaMA-Factory <c>dataset_info.json</c>: {"name": {"file_name", "formatting": "alpaca"|"sharegpt",
/// "columns", "tags", ...}}. Each entry opens as one source named by its key, reading its file
/// with the alpaca, sharegpt or (for OpenAI-style role/content tags) messages codec; file names
/// and images resolve against <see cref="SourceRequest.BaseDir"/>, else the folder of the
/// dataset_info.json (LLaMA-Factory's dataset_dir). Other settings are kept in <see cref="OpenedSource.Info"/>.
/// Only the default column names and role tags of each format are supported (the codecs read
/// fixed keys); an entry that renames them, a hub dataset without a local file, or a missing
/// file fails when its records are read, naming the entry, so the other entries still load.
/// </summary>
public sealed class LlamaFactoryDatasetInfo : IDocumentFormat
{
    private static readonly string[] LocationKeys = ["file_name", "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name"];

    public string Name => "dataset-info";
    public string Description => "LLaMA-Factory dataset_info.json: {name: {file_name, formatting, columns, tags}}, one source per local dataset";

    public int Match(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object
        && document.EnumerateObject().Any(e => e.Value.ValueKind == JsonValueKind.Object && e.Value.TryGetProperty("file_name", out _))
        && document.EnumerateObject().All(e => JsonFields.CountKeys(e.Value, LocationKeys) > 0)
            ? 20
            : 0;

    public IEnumerable<OpenedSource> Open(JsonElement document, SourceRequest request, FormatRegistry registry)
    {
        if (document.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{request.Path}: dataset_info.json is a JSON object of datasets");
        var datasetDir = request.BaseDir ?? Path.GetDirectoryName(Path.GetFullPath(request.Path))!;
        return document.EnumerateObject().Select(entry => OpenEntry(entry, request, datasetDir, registry)).ToList();
    }

    private static OpenedSource OpenEntry(JsonProperty entry, SourceRequest request, string datasetDir, FormatRegistry registry)
    {
        var where = $"{request.Path}: dataset '{entry.Name}'";
        if (entry.Value.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object");
        var settings = entry.Value;
        var codec = registry.Codec(CodecName(settings, where));
        var info = settings.EnumerateObject()
            .Where(p => !p.NameEquals("file_name"))
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : JsonText.Compact(p.Value));
        var fileName = settings.TryGetProperty("file_name", out var f) ? JsonFields.OptString(f, "file_name") : null;
        var file = fileName is null ? null : Path.GetFullPath(fileName, datasetDir);

        var problem = Unsupported(settings, codec.Name)
            ?? (file is null ? "has no local file_name (hub datasets must be downloaded and listed by file)"
                : !File.Exists(file) ? $"file not found: {file}" : null);
        if (problem is not null)
            return new OpenedSource(entry.Name, codec, Failing($"{where} {problem}")) { File = file, ImageRoot = datasetDir, Info = info };
        var opened = new SourceOpener(registry).Open(new SourceRequest(file!) { Format = codec.Name, MaxRecordBytes = request.MaxRecordBytes }).Single();
        return opened with { Name = entry.Name, ImageRoot = datasetDir, Info = info };
    }

    /// <summary>alpaca by default; sharegpt with OpenAI-style role/content tags is the messages form.</summary>
    private static string CodecName(JsonElement settings, string where) =>
        (settings.TryGetProperty("formatting", out var f) ? f.ToString() : "alpaca") switch
        {
            "alpaca" => "alpaca",
            "sharegpt" => Tag(settings, "role_tag") == "role" ? "messages" : "sharegpt",
            var other => throw new FormatException($"{where} has formatting '{other}'; LLaMA-Factory knows 'alpaca' and 'sharegpt'"),
        };

    private static readonly Dictionary<string, Dictionary<string, string>> DefaultColumns = new()
    {
        ["alpaca"] = new() { ["prompt"] = "instruction", ["query"] = "input", ["response"] = "output", ["history"] = "history", ["system"] = "system", ["images"] = "images" },
        ["sharegpt"] = new() { ["messages"] = "conversations", ["system"] = "system", ["tools"] = "tools", ["images"] = "images" },
        ["messages"] = new() { ["messages"] = "messages", ["system"] = "system", ["tools"] = "tools", ["images"] = "images" },
    };

    /// <summary>Tag values the codecs understand: the role names <see cref="Roles.Normalize"/> knows, and each form's own keys.</summary>
    private static readonly Dictionary<string, string[]> KnownTags = new()
    {
        ["role_tag"] = ["from", "role"], ["content_tag"] = ["value", "content"],
        ["user_tag"] = [Roles.Human, "user"], ["assistant_tag"] = [Roles.Gpt, "assistant"],
        ["system_tag"] = [Roles.System], ["observation_tag"] = ["observation"], ["function_tag"] = ["function_call"],
    };

    /// <summary>Why the entry's column names or tags cannot be read by the fixed-key codecs, or null.</summary>
    private static string? Unsupported(JsonElement settings, string codec)
    {
        if (settings.TryGetProperty("columns", out var columns) && columns.ValueKind == JsonValueKind.Object)
            foreach (var column in columns.EnumerateObject())
                if (!DefaultColumns[codec].TryGetValue(column.Name, out var key) || column.Value.GetString() != key)
                    return $"maps column '{column.Name}' to '{column.Value}'; only {codec}'s default columns are supported";
        if (settings.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object)
            foreach (var tag in tags.EnumerateObject())
                if (!KnownTags.TryGetValue(tag.Name, out var known) || !known.Contains(tag.Value.GetString()))
                    return $"sets tag '{tag.Name}' to '{tag.Value}'; only the standard role names are supported";
        return null;
    }

    private static string? Tag(JsonElement settings, string name) =>
        settings.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(name, out var v) ? v.GetString() : null;

    /// <summary>Records that fail with <paramref name="message"/> as soon as they are enumerated (and not before).</summary>
    private static IEnumerable<RawRecord> Failing(string message) =>
        Enumerable.Range(0, 1).Select<int, RawRecord>(_ => throw new FormatException(message));
}

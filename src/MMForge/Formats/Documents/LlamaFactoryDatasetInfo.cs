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
/// Renamed columns and role tags are read through <see cref="RenamedKeysCodec"/>, which maps them
/// back to each format's standard names. A hub dataset without a local file, or a missing file,
/// fails when its records are read, naming the entry, so the other entries still load.
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

        var (renames, problem) = Renames(settings, codec.Name);
        if (renames is { IsEmpty: false }) codec = new RenamedKeysCodec(codec, renames);
        problem ??= file is null ? "has no local file_name (hub datasets must be downloaded and listed by file)"
            : !File.Exists(file) ? $"file not found: {file}" : null;
        if (problem is not null)
            return new OpenedSource(entry.Name, codec, Failing($"{where} {problem}")) { File = file, ImageRoot = datasetDir, Info = info };
        var opened = new SourceOpener(registry).Open(new SourceRequest(file!) { Format = codec.Name, MaxRecordBytes = request.MaxRecordBytes }).Single();
        return opened with { Name = entry.Name, Codec = codec, ImageRoot = datasetDir, Info = info };
    }

    /// <summary>alpaca by default; sharegpt with OpenAI-style role/content tags is the messages form.</summary>
    private static string CodecName(JsonElement settings, string where) =>
        (settings.TryGetProperty("formatting", out var f) ? f.ToString() : "alpaca") switch
        {
            "alpaca" => "alpaca",
            "sharegpt" => Tag(settings, "role_tag") == "role" || Tag(settings, "content_tag") == "content" ? "messages" : "sharegpt",
            var other => throw new FormatException($"{where} has formatting '{other}'; LLaMA-Factory knows 'alpaca' and 'sharegpt'"),
        };

    private static readonly Dictionary<string, Dictionary<string, string>> DefaultColumns = new()
    {
        ["alpaca"] = new() { ["prompt"] = "instruction", ["query"] = "input", ["response"] = "output", ["history"] = "history", ["system"] = "system", ["images"] = "images" },
        ["sharegpt"] = new() { ["messages"] = "conversations", ["system"] = "system", ["tools"] = "tools", ["images"] = "images" },
        ["messages"] = new() { ["messages"] = "messages", ["system"] = "system", ["tools"] = "tools", ["images"] = "images" },
    };

    /// <summary>The standard role names each chat layout's codec reads, by dataset_info tag.</summary>
    private static readonly Dictionary<string, (string ShareGpt, string Messages)> StandardRoles = new()
    {
        ["user_tag"] = (Roles.Human, "user"), ["assistant_tag"] = (Roles.Gpt, "assistant"), ["system_tag"] = (Roles.System, Roles.System),
        ["observation_tag"] = ("observation", "observation"), ["function_tag"] = ("function_call", "function_call"),
    };

    /// <summary>The entry's renamed columns, turn keys and role names, mapped to what the codec reads; or why they cannot be.</summary>
    private static (KeyRenames? Renames, string? Problem) Renames(JsonElement settings, string codec)
    {
        var defaults = DefaultColumns[codec];
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Object)
            foreach (var column in c.EnumerateObject())
            {
                if (!defaults.TryGetValue(column.Name, out var standard))
                    return (null, $"names column '{column.Name}', which LLaMA-Factory's {codec} formatting does not have ({string.Join(", ", defaults.Keys)})");
                if (column.Value.ValueKind != JsonValueKind.String) return (null, $"maps column '{column.Name}' to a non-string");
                var named = column.Value.GetString()!;
                if (named != standard) columns[named] = standard;
            }
        var messages = codec == "messages";
        var (roleKey, contentKey) = messages ? ("role", "content") : ("from", "value");
        var turnKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (settings.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
            foreach (var tag in t.EnumerateObject())
            {
                if (tag.Value.ValueKind != JsonValueKind.String) return (null, $"sets tag '{tag.Name}' to a non-string");
                var value = tag.Value.GetString()!;
                if (tag.NameEquals("role_tag")) { if (value != roleKey) turnKeys[value] = roleKey; }
                else if (tag.NameEquals("content_tag")) { if (value != contentKey) turnKeys[value] = contentKey; }
                else if (StandardRoles.TryGetValue(tag.Name, out var standard))
                {
                    var role = messages ? standard.Messages : standard.ShareGpt;
                    if (value != role) roles[value] = role;
                }
            }
        return (new KeyRenames(columns, defaults.GetValueOrDefault("messages"), turnKeys, roleKey, roles), null);
    }

    private static string? Tag(JsonElement settings, string name) =>
        settings.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(name, out var v) ? v.GetString() : null;

    /// <summary>Records that fail with <paramref name="message"/> as soon as they are enumerated (and not before).</summary>
    private static IEnumerable<RawRecord> Failing(string message) =>
        Enumerable.Range(0, 1).Select<int, RawRecord>(_ => throw new FormatException(message));
}

using System.Text.Json;
using MMForge.Formats.Writers;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// What the decide step of a sharded dedup hands to the shards that write:
/// <c>OUTPUT/keys/decisions.jsonl</c>, a header line (the dedup parameters and the shard count
/// they hold for) and one line per removed sample: where it was read (file, byte offset), its
/// rule and the reason. Written atomically; only removed samples are listed, so every shard can
/// hold all of them.
/// </summary>
internal static class RemovalDecisions
{
    public const string FileName = "decisions.jsonl";
    private const string Format = "mmforge-dedup-decisions/1";

    public static string PathIn(string stageOutput) => Path.Combine(stageOutput, KeyShards.Folder, FileName);

    public static void Write(string path, string header, IReadOnlyDictionary<(string File, long Offset), (string Rule, string Reason)> removals)
    {
        using var file = new AtomicFile(path);
        using (var writer = new Utf8JsonWriter(file.Stream, JsonText.WriterOptions))
        {
            JsonText.WriteLine(writer, file.Stream, w => { w.WriteString("format", Format); w.WriteString("for", header); });
            foreach (var ((name, offset), (rule, reason)) in removals.OrderBy(r => r.Key.File, StringComparer.Ordinal).ThenBy(r => r.Key.Offset))
                JsonText.WriteLine(writer, file.Stream, w =>
                {
                    w.WriteString("file", name);
                    w.WriteNumber("offset", offset);
                    w.WriteString("rule", rule);
                    w.WriteString("reason", reason);
                });
        }
        file.Commit();
    }

    /// <summary>Whether a complete decisions file for <paramref name="header"/> is at <paramref name="path"/>.</summary>
    public static bool Holds(string path, string header)
    {
        if (!File.Exists(path)) return false;
        using var reader = new StreamReader(path);
        return reader.ReadLine() is { } first && Header(first) == header;
    }

    public static Dictionary<(string File, long Offset), (string Rule, string Reason)> Read(string path, string header)
    {
        if (!Holds(path, header))
            throw new ArgumentException($"{path} is missing or was decided with other options or another shard count: run 'dedup --phase keys --shard I/N' and 'dedup --phase reduce --shard I/N' for every shard and then 'dedup --phase decide' with these options first");
        var removals = new Dictionary<(string, long), (string, string)>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            removals[(root.GetProperty("file").GetString()!, root.GetProperty("offset").GetInt64())] =
                (root.GetProperty("rule").GetString()!, root.GetProperty("reason").GetString()!);
        }
        return removals;
    }

    private static string? Header(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.TryGetProperty("format", out var format) && format.GetString() == Format ? json.RootElement.GetProperty("for").GetString() : null;
    }
}

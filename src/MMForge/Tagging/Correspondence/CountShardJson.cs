using System.Text.Json;
using MMForge.Pipeline;

namespace MMForge.Tagging.Correspondence;

/// <summary>
/// A count shard's file (<see cref="ShardMerge.CountsFile"/>), indented JSON written like model.json
/// (fixed key order, types and tags in ordinal order):
/// <c>{"kind": "correspondence-counts", "version": 1, "shard": "I/N", "model_file": "model.json",
/// "options": {...as model.json...}, "unreadable_records": n, "seed": {...as model.json...},
/// "types": {"TYPE": {"seed_samples": n, "tags": {"TAG": n, ...}}, ...}}</c>.
/// Read back with every field checked, a failure naming the field and the file.
/// </summary>
internal static class CountShardJson
{
    public static string Write(CountShard shard) => CorrespondenceJson.Document(w =>
    {
        w.WriteStartObject();
        w.WriteString("kind", CountShard.Kind);
        w.WriteNumber("version", CountShard.FormatVersion);
        w.WriteString("shard", shard.Shard.ToString());
        w.WriteString("model_file", shard.ModelFile);
        CorrespondenceJson.WriteOptions(w, shard.Options);
        w.WriteNumber("unreadable_records", shard.UnreadableRecords);
        CorrespondenceJson.WriteSeed(w, shard.Counts.Summary);
        w.WriteStartObject("types");
        foreach (var (type, counts) in shard.Counts.Types.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(type);
            w.WriteNumber("seed_samples", counts.Seeds);
            w.WriteStartObject("tags");
            foreach (var (tag, n) in counts.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)) w.WriteNumber(tag, n);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static CountShard Read(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{source} is not valid JSON: {e.Message}"); }
        using (doc)
        {
            var reader = new CorrespondenceJson.Fields(source);
            var root = reader.Object(doc.RootElement, "the counts");
            if (reader.String(root, "kind", "kind") != CountShard.Kind) throw reader.Bad("kind", $"\"{CountShard.Kind}\"");
            if (reader.Int(root, "version", "version") != CountShard.FormatVersion)
                throw reader.Bad("version", $"{CountShard.FormatVersion} (count the shard again with this mmforge)");
            ShardSpec shard;
            try { shard = ShardSpec.Parse(reader.String(root, "shard", "shard")); }
            catch (ArgumentException) { throw reader.Bad("shard", "INDEX/COUNT"); }
            var modelFile = reader.String(root, "model_file", "model_file");
            // the reduce writes the model beside the shards: a name, never a path that leaves the stage's folder
            if (modelFile.Length == 0 || modelFile is "." or ".." || Path.GetFileName(modelFile) != modelFile || modelFile.Contains('\\'))
                throw reader.Bad("model_file", "a file name without folders");
            var options = CorrespondenceJson.ReadOptions(reader, root);
            var unreadable = reader.Int(root, "unreadable_records", "unreadable_records");
            var counts = new CorrespondenceCounts(options.Unit);
            counts.Add(CorrespondenceJson.ReadSeed(reader, root));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var type in reader.Object(reader.Get(root, "types", "types"), "types").EnumerateObject())
            {
                var at = $"types.{type.Name}";
                if (!seen.Add(type.Name)) throw reader.Bad(at, "listed once");
                var t = reader.Object(type.Value, at);
                var seeds = reader.Int(t, "seed_samples", at + ".seed_samples");
                var tags = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var tag in reader.Object(reader.Get(t, "tags", at + ".tags"), at + ".tags").EnumerateObject())
                {
                    var tagAt = $"{at}.tags.{tag.Name}";
                    var n = reader.Int(tag.Value, tagAt);
                    if (n > seeds) throw reader.Bad(tagAt, $"at most the type's seed samples ({seeds})");
                    if (!tags.TryAdd(tag.Name, n)) throw reader.Bad(tagAt, "listed once");
                }
                counts.Add(type.Name, seeds, tags);
            }
            return new CountShard(shard, modelFile, options, counts, unreadable);
        }
    }
}

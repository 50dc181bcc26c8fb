using System.Text.Json;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// <c>clusters.jsonl</c>: one line per removed sample, naming it, the sample it duplicates, the
/// sample kept for its cluster, the kind and the distance, so every removal can be explained.
/// </summary>
public static class ClustersFile
{
    public const string FileName = "clusters.jsonl";

    public static void Write(Stream stream, IEnumerable<Removal> removals, IReadOnlyDictionary<int, SampleName> names)
    {
        using var writer = new Utf8JsonWriter(stream, JsonText.WriterOptions);
        foreach (var removal in removals)
            JsonText.WriteLine(writer, stream, w =>
            {
                w.WriteString("id", names[removal.Ordinal].Id);
                w.WriteString("source", names[removal.Ordinal].Source);
                w.WriteString("kind", removal.Edge.Kind.Name());
                WriteName(w, "duplicate_of", names[removal.DuplicateOf]);
                WriteName(w, "kept", names[removal.Kept]);
                if (removal.Edge.ImageDistance >= 0) w.WriteNumber("image_distance", removal.Edge.ImageDistance);
                if (!double.IsNaN(removal.Edge.TextSimilarity)) w.WriteNumber("text_similarity", Math.Round(removal.Edge.TextSimilarity, 4));
            });
    }

    /// <summary>The reason written with the removed record in the rejects file.</summary>
    public static string Reason(Removal removal, IReadOnlyDictionary<int, SampleName> names)
    {
        var edge = removal.Edge;
        var measures = new List<string>();
        if (edge.Kind != DuplicateKind.Exact && edge.ImageDistance >= 0) measures.Add($"pHash distance {edge.ImageDistance}");
        if (edge.Kind != DuplicateKind.Exact && !double.IsNaN(edge.TextSimilarity)) measures.Add($"text similarity {edge.TextSimilarity:0.###}");
        var reason = $"{edge.Kind.Name()} duplicate of {names[removal.DuplicateOf]}";
        if (measures.Count > 0) reason += ", " + string.Join(", ", measures);
        return removal.Kept == removal.DuplicateOf ? reason : reason + $"; kept {names[removal.Kept]}";
    }

    private static void WriteName(Utf8JsonWriter writer, string property, SampleName name)
    {
        writer.WriteStartObject(property);
        writer.WriteString("id", name.Id);
        writer.WriteString("source", name.Source);
        writer.WriteEndObject();
    }
}

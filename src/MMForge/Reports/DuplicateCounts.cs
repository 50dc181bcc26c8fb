using System.Text.Json;
using MMForge.Dedup;

namespace MMForge.Reports;

/// <summary>Removed duplicates by kind, read from the dedup stages' <see cref="ClustersFile"/>s (one line per removed sample).</summary>
public static class DuplicateCounts
{
    /// <exception cref="FormatException">A line of a clusters file is not a JSON object with a kind.</exception>
    public static List<KindCount> ByKind(IEnumerable<string> clusterFiles)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in clusterFiles)
        {
            var line = 0;
            foreach (var text in File.ReadLines(file))
            {
                line++;
                if (text.Length == 0) continue;
                var kind = KindOf(text) ?? throw new FormatException($"{file}:{line}: not a removal with a \"kind\"");
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }
        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new KindCount { Kind = kv.Key, Count = kv.Value }).ToList();
    }

    private static string? KindOf(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                ? kind.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}

using MMForge.Pipeline;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// A dataset's records and rejects as lines, byte for byte, in the order its manifest lists them:
/// what the merged shards of a stage must share with one process's output (shards are contiguous
/// runs of the input, so joined in shard order they are the one-process output record for record).
/// </summary>
public static class DatasetLines
{
    /// <summary>Every record line of the data files the dataset's manifest lists, in order.</summary>
    public static List<string> Records(string dataset) =>
        [.. Manifest.Load(dataset).Shards.SelectMany(f => File.ReadLines(Path.Combine(dataset, f.File)))];

    /// <summary>Every line of the dataset's rejects file, in order.</summary>
    public static List<string> Rejects(string dataset) => [.. File.ReadLines(Path.Combine(dataset, DatasetDirectory.RejectsFile))];

    /// <summary>
    /// Rejects (JSON Lines) without where each record was read (file, line, offset): read from a
    /// sharded stage's output, those name its shard files; everything else must match.
    /// </summary>
    public static byte[] WithoutLocation(byte[] rejects) => System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
        System.Text.Encoding.UTF8.GetString(rejects).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var reject = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            foreach (var field in new[] { "file", "line", "offset" }) Assert.True(reject.Remove(field), $"a reject has its {field}: {line}");
            return reject.ToJsonString();
        })));

    /// <summary>Asserts the sharded stage's merged output holds one process's records and rejects, in the same order.</summary>
    public static void AssertSame(string oneProcess, string merged)
    {
        var records = Records(oneProcess);
        Assert.NotEmpty(records);
        Assert.Equal(records, Records(merged));
        Assert.Equal(Rejects(oneProcess), Rejects(merged));
    }
}

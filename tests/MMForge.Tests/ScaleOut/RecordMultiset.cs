using MMForge.Pipeline;

namespace MMForge.Tests.ScaleOut;

/// <summary>
/// A dataset's records and rejects as multisets (their lines, byte for byte, sorted): what the
/// merged shards of a stage must share with one process's output, whose order differs (shard order).
/// </summary>
public static class RecordMultiset
{
    /// <summary>Every record line of the data files the dataset's manifest lists, sorted.</summary>
    public static List<string> Records(string dataset) =>
        [.. Manifest.Load(dataset).Shards.SelectMany(f => File.ReadLines(Path.Combine(dataset, f.File))).Order(StringComparer.Ordinal)];

    /// <summary>Every line of the dataset's rejects file, sorted.</summary>
    public static List<string> Rejects(string dataset) =>
        [.. File.ReadLines(Path.Combine(dataset, DatasetDirectory.RejectsFile)).Order(StringComparer.Ordinal)];

    /// <summary>Asserts the sharded stage's merged output holds exactly one process's records and rejects, and some of each when asked.</summary>
    public static void AssertSame(string oneProcess, string merged)
    {
        var records = Records(oneProcess);
        Assert.NotEmpty(records);
        Assert.Equal(records, Records(merged));
        Assert.Equal(Rejects(oneProcess), Rejects(merged));
    }
}

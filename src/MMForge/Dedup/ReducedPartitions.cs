using System.Text;
using System.Text.Json;
using MMForge.Formats.Writers;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>A removal as the decide step hands it to the writing pass: the sample's ordinal, where it was read, its rule and reason.</summary>
internal sealed record DecidedRemoval(int Ordinal, string File, long Offset, string Rule, string Reason);

/// <summary>
/// What a sharded dedup's reduce steps (<c>dedup --phase reduce --shard P/N</c>, run by
/// <see cref="DedupJob.Reduce"/> on partition P of every shard's <see cref="KeyPartitions"/>) write
/// to <c>OUTPUT/keys/reduce/PPPPP-of-NNNNN/</c> through a temporary folder, and how the decide step
/// reads it back. Ordinals are global input order, so what a partition writes is what one
/// process finds for its samples:
/// <list type="bullet">
/// <item>when every cluster lies in one partition (<c>--match exact</c>, or <c>--scope source</c>),
/// its removals, decided as one process decides them (<see cref="RemovalsFile"/>: ordinal, where
/// the sample was read, rule and reason; <see cref="ClustersFile"/> lines in the same order), so
/// the decide step only merges them (<see cref="Removals"/>);</item>
/// <item>otherwise its exact edges and the links among its <see cref="KeyLinks"/> entries
/// (<see cref="EdgesFile"/>), which the decide step joins into the groups it decides one
/// partition at a time (<see cref="Pairs"/>).</item>
/// </list>
/// </summary>
internal static class ReducedPartitions
{
    public const string Folder = ShardSpec.ReduceFolder, EdgesFile = "edges.bin", RemovalsFile = "removals.jsonl";
    private const string EdgesMagic = "mmforge-dedup-edges/2";

    public static string FolderOf(string stageOutput, ShardSpec partition) => Path.Combine(stageOutput, ShardSpec.KeysFolder, Folder, partition.Name);

    /// <summary>Whether a previous launch already reduced <paramref name="partition"/> with these parameters.</summary>
    public static bool Written(string stageOutput, ShardSpec partition, string parameters, bool decides) =>
        ParametersOf(decides)(Path.Combine(FolderOf(stageOutput, partition), FileName(decides))) == parameters;

    /// <summary>The exact edges and the links of a partition, on global ordinals, into its folder.</summary>
    public static int WriteEdges(string stageOutput, ShardSpec partition, string parameters, List<(int A, int B)> exact, List<(int A, int B)> links) =>
        DirectorySwap.Write(FolderOf(stageOutput, partition), temp =>
        {
            using var writer = new BinaryWriter(File.Create(Path.Combine(temp, EdgesFile)), Encoding.UTF8);
            writer.Write(EdgesMagic);
            writer.Write(parameters);
            foreach (var pairs in new[] { exact, links })
            {
                writer.Write(pairs.Count);
                foreach (var (a, b) in pairs)
                {
                    writer.Write(a);
                    writer.Write(b);
                }
            }
            return exact.Count;
        });

    /// <summary>
    /// A partition's removals into its folder: <paramref name="decide"/> writes the clusters.jsonl
    /// lines to the stream it is given and returns the removals (ordinals of the partition), which
    /// <paramref name="ordinals"/> maps to global ones.
    /// </summary>
    public static int WriteRemovals(string folder, string parameters, Func<Stream, List<DecidedRemoval>> decide, IReadOnlyList<int> ordinals) =>
        DirectorySwap.Write(folder, temp =>
        {
            List<DecidedRemoval> removals;
            using (var clusters = File.Create(Path.Combine(temp, ClustersFile.FileName))) removals = decide(clusters);
            using var stream = File.Create(Path.Combine(temp, RemovalsFile));
            using var writer = new Utf8JsonWriter(stream, JsonText.WriterOptions);
            JsonText.WriteLine(writer, stream, w => w.WriteString("for", parameters));
            foreach (var removal in removals)
                JsonText.WriteLine(writer, stream, w =>
                {
                    w.WriteNumber("ordinal", ordinals[removal.Ordinal]);
                    w.WriteString("file", removal.File);
                    w.WriteNumber("offset", removal.Offset);
                    w.WriteString("rule", removal.Rule);
                    w.WriteString("reason", removal.Reason);
                });
            return removals.Count;
        });

    /// <summary>Every partition's exact edges and links (when the partitions do not decide), streamed: what joins the samples into the groups the decide step decides apart.</summary>
    /// <param name="samples">How many samples the key shards hold: a pair naming another is refused, naming the file.</param>
    public static IEnumerable<(int A, int B)> Pairs(string stageOutput, string parameters, int partitions, int samples)
    {
        foreach (var file in Complete(stageOutput, parameters, decides: false, partitions))
        {
            using var reader = new BinaryReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
            reader.ReadString();
            reader.ReadString();
            for (var list = 0; list < 2; list++)
                for (var count = reader.ReadInt32(); count > 0; count--)
                {
                    var (a, b) = (reader.ReadInt32(), reader.ReadInt32());
                    if ((uint)a >= (uint)samples || (uint)b >= (uint)samples)
                        throw new InvalidDataException($"{file} links samples {a} and {b}, but the key shards hold {samples:N0}; it was reduced from other keys: run its reduce step again");
                    yield return (a, b);
                }
        }
    }

    /// <summary>
    /// Every partition's removals (when the partitions decide) merged in ordinal order, as one process
    /// orders them: each one's clusters.jsonl line, bytes as its reduce wrote them, goes to
    /// <paramref name="clusterLines"/>; returned, where each was read with its rule and reason.
    /// </summary>
    public static Dictionary<(string File, long Offset), (string Rule, string Reason)> Removals(string stageOutput, string parameters, int partitionCount, Stream clusterLines) =>
        Merge(Complete(stageOutput, parameters, decides: true, partitionCount).Select(file => Path.GetDirectoryName(file)!), clusterLines);

    /// <summary>The removals written to <paramref name="folders"/> (<see cref="WriteRemovals"/>) merged in ordinal order, as <see cref="Removals"/>.</summary>
    public static Dictionary<(string File, long Offset), (string Rule, string Reason)> Merge(IEnumerable<string> folders, Stream clusterLines)
    {
        var partitions = folders.Select(PartitionRemovals).Select(r => r.GetEnumerator()).ToList();
        var decisions = new Dictionary<(string, long), (string, string)>();
        try
        {
            var next = new PriorityQueue<int, int>();
            for (var i = 0; i < partitions.Count; i++)
                if (partitions[i].MoveNext()) next.Enqueue(i, partitions[i].Current.Ordinal);
            while (next.TryDequeue(out var i, out _))
            {
                var removal = partitions[i].Current;
                clusterLines.Write(removal.ClusterLine);
                decisions[(removal.File, removal.Offset)] = (removal.Rule, removal.Reason);
                if (partitions[i].MoveNext()) next.Enqueue(i, partitions[i].Current.Ordinal);
            }
        }
        finally
        {
            foreach (var partition in partitions) partition.Dispose();
        }
        return decisions;
    }

    /// <summary>One reduced partition's removals in ordinal order, each with its clusters.jsonl line (newline included).</summary>
    private static IEnumerable<(int Ordinal, string File, long Offset, string Rule, string Reason, byte[] ClusterLine)> PartitionRemovals(string folder)
    {
        using var lines = new BufferedStream(File.OpenRead(Path.Combine(folder, ClustersFile.FileName)), 1 << 16);
        var line = new List<byte>();
        foreach (var text in File.ReadLines(Path.Combine(folder, RemovalsFile)).Skip(1))
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            line.Clear();
            do line.Add(lines.ReadByte() is var b and >= 0 ? (byte)b
                : throw new InvalidDataException($"{folder}: {ClustersFile.FileName} has fewer lines than {RemovalsFile}; the partition was changed after its reduce step: run it again"));
            while (line[^1] != (byte)'\n');
            yield return (root.GetProperty("ordinal").GetInt32(), root.GetProperty("file").GetString()!, root.GetProperty("offset").GetInt64(),
                root.GetProperty("rule").GetString()!, root.GetProperty("reason").GetString()!, line.ToArray());
        }
    }

    /// <summary>The files of the <paramref name="partitions"/> reduced partitions (removals or edges), in order; refused while any is missing or was made with other options.</summary>
    private static List<string> Complete(string stageOutput, string parameters, bool decides, int partitions)
    {
        var reduced = Path.Combine(stageOutput, ShardSpec.KeysFolder, Folder);
        if (ShardFolders.Found(reduced).Count == 0)
            throw new ArgumentException($"no key partition of {stageOutput} is reduced yet: run 'dedup --phase reduce --shard P/{partitions}' for each of the {partitions} partitions first");
        var files = KeyShardFiles.CompleteIn(reduced, "reduce", "reduce", FileName(decides), ParametersOf(decides), parameters, DedupJob.Stage);
        if (files.Count != partitions)
            throw new ArgumentException($"{reduced} holds {files.Count} reduced partitions, but the keys were written by {partitions} shards; run 'dedup --phase reduce --shard P/{partitions}' for every partition");
        return files;
    }

    /// <summary>What a reduced partition holds: its removals when the partitions decide, else its exact edges and links.</summary>
    private static string FileName(bool decides) => decides ? RemovalsFile : EdgesFile;

    /// <summary>How to read the parameters a reduced partition's file was made with (null when there is none).</summary>
    private static Func<string, string?> ParametersOf(bool decides) => decides ? RemovalsParametersOf : EdgesParametersOf;

    private static string? RemovalsParametersOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new StreamReader(path);
        using var header = JsonDocument.Parse(reader.ReadLine() ?? "{}");
        return header.RootElement.TryGetProperty("for", out var parameters) ? parameters.GetString() : null;
    }

    private static string? EdgesParametersOf(string path) => BinaryHeader.ParametersOf(path, EdgesMagic);
}

using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MMForge.Formats.Writers;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Dedup;

/// <summary>
/// The reduce side of dedup's exact search across shards (<c>dedup --phase reduce --shard P/N</c>):
/// partition P of every key shard's <see cref="ExactKeyPartitions"/> file, so no step holds every
/// exact key. Ordinals are global input order (a shard's first ordinal is the samples of the
/// shards before it), and a partition's samples are read in that order, so its edges are the
/// edges one process finds for those keys. Written to <c>OUTPUT/keys/reduce/PPPPP-of-NNNNN/</c>
/// through a temporary folder:
/// <list type="bullet">
/// <item>with <c>--match exact</c>, where every cluster lies in one partition, its removals,
/// decided as one process decides them (<see cref="RemovalsFile"/>: where each removed sample was
/// read, rule and reason; <see cref="ClustersFile"/> lines in the same order), so the decide step
/// only merges them;</item>
/// <item>otherwise its exact edges (<see cref="EdgesFile"/>), which the decide step joins to the
/// near edges it finds.</item>
/// </list>
/// </summary>
internal static class ExactReduce
{
    public const string Folder = ShardSpec.ReduceFolder, EdgesFile = "exact-edges.bin", RemovalsFile = "removals.jsonl";
    private const string EdgesMagic = "mmforge-dedup-exact-edges/1";

    public static string FolderOf(string stageOutput, ShardSpec partition) => Path.Combine(stageOutput, ShardSpec.KeysFolder, Folder, partition.Name);

    /// <summary>Whether a previous launch already reduced <paramref name="partition"/> with these parameters.</summary>
    public static bool Written(string stageOutput, ShardSpec partition, string parameters, bool resolves) =>
        ParametersIn(FolderOf(stageOutput, partition), resolves) == parameters;

    /// <summary>Reduces <paramref name="partition"/> of the key shards' <paramref name="exactFiles"/> (in shard order); returns how many edges or removals it wrote.</summary>
    public static int Run(IReadOnlyList<string> exactFiles, ShardSpec partition, string parameters, bool resolves, string stageOutput)
    {
        // held for every sample of the partition: its key, ordinal and member key (36 bytes); names only for the samples removals name
        var keys = new List<UInt128>();
        var ordinals = new List<int>();
        var members = new List<MemberKey>();
        foreach (var (entry, ordinal) in Entries(exactFiles, partition))
        {
            keys.Add(entry.Exact);
            ordinals.Add(ordinal);
            members.Add(entry.Member);
        }
        // indices into the partition rise with the ordinals, so the edges and choices on indices are those on ordinals
        var edges = ExactDuplicates.Edges(CollectionsMarshal.AsSpan(keys));
        if (!resolves)
            return DirectorySwap.Write(FolderOf(stageOutput, partition), temp =>
                WriteEdges(Path.Combine(temp, EdgesFile), parameters, edges.Select(e => (ordinals[e.A], ordinals[e.B])).ToList()));
        var removals = DuplicateClusters.Resolve(ordinals.Count, i => members[i], edges);
        var named = removals.SelectMany(r => new[] { r.Ordinal, r.DuplicateOf, r.Kept }).ToHashSet();
        var names = new Dictionary<int, (SampleName Name, string File, long Offset)>();
        var index = -1;
        foreach (var (entry, _) in Entries(exactFiles, partition))
            if (named.Contains(++index)) names[index] = (new SampleName(entry.Id, entry.Source), entry.File, entry.Member.Offset);
        return DirectorySwap.Write(FolderOf(stageOutput, partition), temp => WriteRemovals(temp, parameters, removals, names, ordinals));
    }

    /// <summary>Partition <paramref name="partition"/> of every shard's file, in input order, with each sample's global ordinal (the samples of the shards before its own, then its place in its shard).</summary>
    private static IEnumerable<(ExactEntry Entry, int Ordinal)> Entries(IReadOnlyList<string> exactFiles, ShardSpec partition)
    {
        long first = 0;
        foreach (var file in exactFiles)
        {
            var table = ExactKeyPartitions.ReadTable(file);
            foreach (var entry in ExactKeyPartitions.Read(file, table, partition.Index))
                yield return (entry, checked((int)(first + entry.ShardOrdinal)));
            first += table.Samples;
        }
    }

    /// <summary>Every partition's exact edges (<c>--match</c> other than exact), partition after partition.</summary>
    public static List<DuplicateEdge> Edges(string stageOutput, string parameters, int partitions)
    {
        var edges = new List<DuplicateEdge>();
        foreach (var folder in Complete(stageOutput, parameters, resolves: false, partitions))
        {
            using var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, EdgesFile)), Encoding.UTF8);
            reader.ReadString();
            reader.ReadString();
            for (var count = reader.ReadInt32(); count > 0; count--)
                edges.Add(new DuplicateEdge(reader.ReadInt32(), reader.ReadInt32(), DuplicateKind.Exact, -1, double.NaN));
        }
        return edges;
    }

    /// <summary>
    /// Every partition's removals (<c>--match exact</c>) merged in ordinal order, as one process
    /// orders them: each one's clusters.jsonl line, bytes as its reduce wrote them, goes to
    /// <paramref name="clusterLines"/>; returned, where each was read with its rule and reason.
    /// </summary>
    public static Dictionary<(string File, long Offset), (string Rule, string Reason)> Removals(string stageOutput, string parameters, int partitionCount, Stream clusterLines)
    {
        var partitions = Complete(stageOutput, parameters, resolves: true, partitionCount).Select(PartitionRemovals).Select(r => r.GetEnumerator()).ToList();
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
        using var lines = new BinaryReader(new FileStream(Path.Combine(folder, ClustersFile.FileName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        var line = new List<byte>();
        foreach (var text in File.ReadLines(Path.Combine(folder, RemovalsFile)).Skip(1))
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            line.Clear();
            do line.Add(lines.ReadByte()); // EndOfStreamException: the two files disagree, so the folder is damaged
            while (line[^1] != (byte)'\n');
            yield return (root.GetProperty("ordinal").GetInt32(), root.GetProperty("file").GetString()!, root.GetProperty("offset").GetInt64(),
                root.GetProperty("rule").GetString()!, root.GetProperty("reason").GetString()!, line.ToArray());
        }
    }

    /// <summary>The <paramref name="partitions"/> reduced partitions, in order; refused while any is missing or was made with other options.</summary>
    private static List<string> Complete(string stageOutput, string parameters, bool resolves, int partitions)
    {
        var reduced = Path.Combine(stageOutput, ShardSpec.KeysFolder, Folder);
        if (ShardFolders.Found(reduced).Count == 0)
            throw new ArgumentException($"no exact-key partition of {stageOutput} is reduced yet: run 'dedup --phase reduce --shard P/{partitions}' for each of the {partitions} partitions first");
        var folders = ShardFolders.Complete(reduced, folder => ParametersIn(folder, resolves) is not null, "reduce");
        if (folders.Count != partitions)
            throw new ArgumentException($"{reduced} holds {folders.Count} reduced partitions, but the keys were written by {partitions} shards; run 'dedup --phase reduce --shard P/{partitions}' for every partition");
        foreach (var folder in folders)
            if (ParametersIn(folder, resolves) != parameters)
                throw new ArgumentException($"{folder} was reduced with other dedup options; run '--phase reduce' again for every partition with these");
        return folders;
    }

    private static string? ParametersIn(string folder, bool resolves)
    {
        if (resolves)
        {
            var path = Path.Combine(folder, RemovalsFile);
            if (!File.Exists(path)) return null;
            using var reader = new StreamReader(path);
            using var header = JsonDocument.Parse(reader.ReadLine() ?? "{}");
            return header.RootElement.TryGetProperty("for", out var parameters) ? parameters.GetString() : null;
        }
        var edges = Path.Combine(folder, EdgesFile);
        if (!File.Exists(edges)) return null;
        using var binary = new BinaryReader(File.OpenRead(edges), Encoding.UTF8);
        return binary.ReadString() == EdgesMagic ? binary.ReadString() : null;
    }

    private static int WriteEdges(string path, string parameters, List<(int A, int B)> edges)
    {
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(EdgesMagic);
        writer.Write(parameters);
        writer.Write(edges.Count);
        foreach (var (a, b) in edges)
        {
            writer.Write(a);
            writer.Write(b);
        }
        return edges.Count;
    }

    /// <summary>The partition's removals, on partition indices, written with global ordinals and the names one process gives them.</summary>
    private static int WriteRemovals(string folder, string parameters, List<Removal> removals, Dictionary<int, (SampleName Name, string File, long Offset)> named, List<int> ordinals)
    {
        var names = named.ToDictionary(n => n.Key, n => n.Value.Name);
        using (var clusters = File.Create(Path.Combine(folder, ClustersFile.FileName)))
            ClustersFile.Write(clusters, removals, names);
        using var stream = File.Create(Path.Combine(folder, RemovalsFile));
        using var writer = new Utf8JsonWriter(stream, JsonText.WriterOptions);
        JsonText.WriteLine(writer, stream, w => w.WriteString("for", parameters));
        foreach (var removal in removals)
            JsonText.WriteLine(writer, stream, w =>
            {
                w.WriteNumber("ordinal", ordinals[removal.Ordinal]);
                w.WriteString("file", named[removal.Ordinal].File);
                w.WriteNumber("offset", named[removal.Ordinal].Offset);
                w.WriteString("rule", removal.Edge.Kind.RuleName());
                w.WriteString("reason", ClustersFile.Reason(removal, names));
            });
        return removals.Count;
    }
}

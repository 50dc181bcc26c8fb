using System.Text.RegularExpressions;
using MMForge.Formats;

namespace MMForge.Pipeline;

/// <summary>
/// One part of a stage's input, <c>--shard INDEX/COUNT</c>: the INDEX-th of COUNT contiguous runs
/// of the input's records, numbered in input order and cut by the record count the input
/// datasets' manifests declare. The partition depends on the input alone, never on timing or on
/// how a scheduler splits work, so a relaunched shard processes exactly the records it did
/// before; and since each run is in input order, the shards' outputs joined in shard order are
/// the one-process output, record for record, so a stage after a sharded one sees its input in
/// the same order and decides the same (dedup's "first seen").
/// </summary>
public readonly partial record struct ShardSpec(int Index, int Count)
{
    /// <summary>The folder of a shard's dataset inside the stage's output folder.</summary>
    public const string Folder = "shards";

    /// <summary>What the executors write into a sharded stage's output first: the fingerprint of the run its shards and keys belong to.</summary>
    public const string FingerprintFile = ".shards-fingerprint";

    /// <summary>The folder of what a stage's shards write in a first step for every shard to read before any writes records: dedup's, select's and score's keys, hash's image paths and image hashes.</summary>
    public const string KeysFolder = "keys";

    /// <summary>The folder inside <see cref="KeysFolder"/> of what a stage's reduce steps write, one per key partition: dedup's decisions, or its exact edges and links.</summary>
    public const string ReduceFolder = "reduce";

    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var index) || !int.TryParse(parts[1], out var count) || count < 1 || index < 0 || index >= count)
            throw new ArgumentException($"--shard {text}: expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4");
        return new ShardSpec(index, count);
    }

    /// <summary>
    /// This shard's items of an input of <paramref name="total"/> records (<see cref="TotalOf"/>):
    /// numbers [total x INDEX / COUNT, total x (INDEX + 1) / COUNT); the last shard also takes any
    /// records beyond the declared total. Reading stops after the shard's last record.
    /// </summary>
    public IEnumerable<T> Take<T>(IEnumerable<T> items, long total)
    {
        var first = total * Index / Count;
        var end = Index == Count - 1 ? long.MaxValue : total * (Index + 1) / Count;
        long number = 0;
        foreach (var item in items)
        {
            if (number >= end) yield break;
            if (number++ >= first) yield return item;
        }
    }

    /// <summary>
    /// This shard's items of an input of <paramref name="total"/> bytes cut by where each item lies
    /// (<see cref="InputPositions"/>): positions [total x INDEX / COUNT, total x (INDEX + 1) / COUNT),
    /// the last shard also taking any beyond. An item placed before the one preceding it (a read
    /// failure reported at its file's start) stays with its neighbours, so the runs stay contiguous.
    /// </summary>
    public IEnumerable<T> Take<T>(IEnumerable<T> items, long total, Func<T, long> position)
    {
        var first = total * Index / Count;
        var end = Index == Count - 1 ? long.MaxValue : total * (Index + 1) / Count;
        long reached = 0;
        foreach (var item in items)
        {
            reached = Math.Max(reached, position(item));
            if (reached >= end) yield break;
            if (reached >= first) yield return item;
        }
    }

    /// <summary>This shard's items of an input read from <paramref name="input"/>, whose size its manifests declare (<see cref="TotalOf"/>).</summary>
    public IEnumerable<T> Take<T>(IEnumerable<T> items, IEnumerable<OpenedSource> input) => Take(items, TotalOf(input));

    /// <summary>How many records the input holds, from its datasets' manifests; sharding needs mmforge datasets as input.</summary>
    private static long TotalOf(IEnumerable<OpenedSource> sources)
    {
        var manifests = new HashSet<Manifest>(ReferenceEqualityComparer.Instance);
        foreach (var source in sources)
            manifests.Add(source.DatasetManifest ?? throw new ArgumentException($"--shard splits mmforge datasets by the record counts of their manifests; '{source.File ?? source.Name}' is not one (ingest it first)"));
        return manifests.Sum(m => m.Records);
    }

    /// <summary>Where this shard's dataset goes inside the stage's output folder <paramref name="stageOutput"/>.</summary>
    public string Directory(string stageOutput) => Path.Combine(stageOutput, Folder, Name);

    /// <summary>The shard's folder name; fixed-width numbers keep shards in order when listed.</summary>
    public string Name => $"{Index:D5}-of-{Count:D5}";

    public override string ToString() => $"{Index}/{Count}";

    [GeneratedRegex(@"^(\d{5})-of-(\d{5})(?:\.tmp-(\d+))?$")]
    private static partial Regex FolderName();

    /// <summary>
    /// The shard a folder under <see cref="Folder"/> holds, from its <see cref="Name"/>; for the
    /// temporary folder a shard is written in (<c>NAME.tmp-PID</c>, see DirectorySwap) also the
    /// writing process. False for any other folder.
    /// </summary>
    public static bool TryParseFolder(string folderName, out ShardSpec shard, out int? writer)
    {
        var match = FolderName().Match(folderName);
        shard = match.Success ? new ShardSpec(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)) : default;
        writer = match.Success && match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : null;
        return match.Success && shard.Index < shard.Count;
    }
}

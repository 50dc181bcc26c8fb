using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// The decide step of a sharded near-match dedup across sources files every sample's key here,
/// in input order, under the partition of its group (samples that the exact edges and the
/// reduce steps' links connect; every duplicate cluster lies in one group), then decides one partition at a
/// time. So it holds one partition's keys, never every key. The files are in <c>OUTPUT/keys/groups/</c>,
/// emptied when a decide step starts (one killed midway leaves them) and deleted when it ends.
/// </summary>
/// <remarks>
/// About <see cref="DedupOptions.DecidePartitionSize"/> samples a partition (by default the
/// searches on one take tens of MB); a group is never split, so a large group makes its partition large. An entry: the
/// sample's ordinal in the whole input, the number of its file, and its key as
/// <see cref="KeyShardFile"/> writes one (with its signature).
/// </remarks>
internal sealed class GroupPartitions : IDisposable
{
    /// <summary>At most this many files are open for writing at once, each with its buffer.</summary>
    private const int MaxPartitions = 256, BufferBytes = 1 << 15;

    private readonly string _folder;
    private readonly int _permutations;
    private readonly BinaryWriter?[] _writers;
    private readonly long[] _counts;
    private readonly Dictionary<string, int> _fileNumbers = new(StringComparer.Ordinal);
    private readonly List<string> _files = [];

    public const string Folder = "groups";

    public GroupPartitions(string stageOutput, long samples, int samplesPerPartition, int permutations)
    {
        _folder = Path.Combine(stageOutput, Pipeline.ShardSpec.KeysFolder, Folder);
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        Directory.CreateDirectory(_folder);
        _permutations = permutations;
        var count = (int)Math.Clamp((samples + samplesPerPartition - 1) / samplesPerPartition, 1, MaxPartitions);
        _writers = new BinaryWriter?[count];
        _counts = new long[count];
    }

    public int Count => _writers.Length;

    /// <summary>The partition of the group whose union-find root is <paramref name="root"/> (a sample's ordinal: roots of singletons spread evenly).</summary>
    public int Of(int root) => root % Count;

    public void Add(int partition, int ordinal, KeyedSample keyed)
    {
        var writer = _writers[partition] ??= new BinaryWriter(new FileStream(SpillOf(partition), FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes), Encoding.UTF8);
        if (!_fileNumbers.TryGetValue(keyed.File, out var file))
        {
            _fileNumbers[keyed.File] = file = _files.Count;
            _files.Add(keyed.File);
        }
        writer.Write(ordinal);
        writer.Write(file);
        KeyShardFile.WriteKey(writer, keyed, _permutations);
        _counts[partition]++;
    }

    /// <summary>Closes the files once every sample is filed.</summary>
    public void Complete()
    {
        foreach (var writer in _writers) writer?.Dispose();
    }

    public long SamplesIn(int partition) => _counts[partition];

    /// <summary>The samples of <paramref name="partition"/> in input order, each with its ordinal in the whole input; signatures rented from the shared pool.</summary>
    public IEnumerable<(KeyedSample Sample, int Ordinal)> Read(int partition)
    {
        if (_counts[partition] == 0) yield break;
        using var reader = new BinaryReader(new FileStream(SpillOf(partition), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
        for (var i = 0L; i < _counts[partition]; i++)
        {
            var ordinal = reader.ReadInt32();
            var file = _files[reader.ReadInt32()];
            yield return (KeyShardFile.ReadKey(reader, file, _permutations), ordinal);
        }
    }

    /// <summary>Where the decisions on <paramref name="partition"/> are written (<see cref="ReducedPartitions.WriteRemovals"/>).</summary>
    public string DecisionsFolder(int partition) => Path.Combine(_folder, $"decided-{partition:D5}");

    public void Dispose()
    {
        Complete();
        Directory.Delete(_folder, recursive: true);
    }

    private string SpillOf(int partition) => Path.Combine(_folder, $"keys-{partition:D5}.bin");
}

using System.Text;

namespace MMForge.Dedup;

/// <summary>
/// The id and source of every sample, by ordinal, in a temporary file rather than in memory:
/// only the few that end up in duplicate clusters are read back, in one sequential scan.
/// </summary>
public sealed class IdSpill : IDisposable
{
    private readonly string _path;
    private readonly BinaryWriter _writer;
    private int _count;

    public IdSpill(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, $"mmforge-dedup-ids-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        _writer = new BinaryWriter(new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose), Encoding.UTF8);
    }

    /// <summary>Appends the next ordinal's id and source.</summary>
    public void Add(string id, string source)
    {
        _writer.Write(id);
        _writer.Write(source);
        _count++;
    }

    /// <summary>The ids and sources of the given ordinals.</summary>
    public Dictionary<int, SampleName> Read(IReadOnlySet<int> ordinals)
    {
        _writer.Flush();
        var stream = _writer.BaseStream;
        stream.Position = 0;
        var names = new Dictionary<int, SampleName>(ordinals.Count);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        for (var ordinal = 0; ordinal < _count && names.Count < ordinals.Count; ordinal++)
        {
            var (id, source) = (reader.ReadString(), reader.ReadString());
            if (ordinals.Contains(ordinal)) names[ordinal] = new SampleName(id, source);
        }
        stream.Position = stream.Length;
        return names;
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>How a sample is named to people: its id and source.</summary>
public readonly record struct SampleName(string Id, string Source)
{
    public override string ToString() => $"{Id} ({Source})";
}

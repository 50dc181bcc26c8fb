using System.Runtime.InteropServices;

namespace MMForge.Dedup;

/// <summary>
/// Fixed-width records appended in ordinal order to a temporary file (ordinal x width x the size
/// of <typeparamref name="T"/>), so the dedup step keeps them on disk instead of in memory and
/// reads back only the ones it needs (<see cref="Map"/>). The file is deleted when this is disposed.
/// </summary>
internal sealed class RecordSpill<T> : IDisposable where T : unmanaged
{
    private readonly FileStream stream;

    /// <param name="directory">Where the file goes.</param>
    /// <param name="kind">Names the file (<c>mmforge-KIND-GUID.spill</c>), so a leftover one says what it held.</param>
    /// <param name="width">Values per record.</param>
    public RecordSpill(string directory, string kind, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Directory.CreateDirectory(directory);
        Width = width;
        Path = System.IO.Path.Combine(directory, $"mmforge-{kind}-{Guid.NewGuid():N}.spill");
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
    }

    public string Path { get; }

    /// <summary>Values per record.</summary>
    public int Width { get; }

    public int Count { get; private set; }

    /// <summary>Appends whole records; returns the ordinal of the first.</summary>
    public int Append(ReadOnlySpan<T> records)
    {
        if (records.Length % Width != 0)
            throw new ArgumentException($"must hold whole records of {Width} values", nameof(records));
        stream.Write(MemoryMarshal.AsBytes(records));
        var first = Count;
        Count += records.Length / Width;
        return first;
    }

    /// <summary>Maps what was appended so far for random access; dispose the view before appending again.</summary>
    public MappedRecords<T> Map()
    {
        stream.Flush();
        return new MappedRecords<T>(stream, Width);
    }

    public void Dispose() => stream.Dispose();
}

using System.Runtime.InteropServices;

namespace MMForge.Dedup.Text;

/// <summary>
/// Signatures appended in ordinal order to a temporary file (ordinal x permutations x 4 bytes),
/// so the LSH holds none of them in memory. The file is deleted when this is disposed.
/// </summary>
internal sealed class SignatureSpill : IDisposable
{
    private readonly FileStream stream;

    public SignatureSpill(string directory, int permutations)
    {
        Directory.CreateDirectory(directory);
        Permutations = permutations;
        Path = System.IO.Path.Combine(directory, $"mmforge-minhash-{Guid.NewGuid():N}.sig");
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
    }

    public string Path { get; }

    public int Permutations { get; }

    public int Count { get; private set; }

    /// <summary>Appends whole signatures; returns the ordinal of the first.</summary>
    public int Append(ReadOnlySpan<uint> signatures)
    {
        if (signatures.Length % Permutations != 0)
            throw new ArgumentException($"must hold whole signatures of {Permutations} values", nameof(signatures));
        stream.Write(MemoryMarshal.AsBytes(signatures));
        var first = Count;
        Count += signatures.Length / Permutations;
        return first;
    }

    /// <summary>Maps what was appended so far for random access; dispose the view before appending again.</summary>
    public MappedSignatures Map()
    {
        stream.Flush();
        return new MappedSignatures(stream, Permutations);
    }

    public void Dispose() => stream.Dispose();
}

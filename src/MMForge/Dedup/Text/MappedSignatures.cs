using System.IO.MemoryMappedFiles;

namespace MMForge.Dedup.Text;

/// <summary>
/// Read access to a spilled signature file through a memory map: the operating system pages in
/// the signatures that candidate verification touches and can drop them again under pressure.
/// </summary>
internal sealed unsafe class MappedSignatures : IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* start;
    private readonly int permutations;

    public MappedSignatures(FileStream stream, int permutations)
    {
        if (stream.Length == 0) throw new InvalidOperationException("an empty spill file cannot be mapped");
        this.permutations = permutations;
        file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = pointer + view.PointerOffset;
    }

    public ReadOnlySpan<uint> this[int ordinal] => new(start + (long)ordinal * permutations * sizeof(uint), permutations);

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }
}

using System.IO.MemoryMappedFiles;

namespace MMForge.Dedup;

/// <summary>
/// Read access to a <see cref="RecordSpill{T}"/> through a memory map: the operating system pages
/// in the records that are read and can drop them again under pressure, so they are never the
/// process's own memory.
/// </summary>
internal sealed unsafe class MappedRecords<T> : IDisposable where T : unmanaged
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly T* start;
    private readonly int width;

    public MappedRecords(FileStream stream, int width)
    {
        if (stream.Length == 0) throw new InvalidOperationException("an empty spill file cannot be mapped");
        this.width = width;
        file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        start = (T*)(pointer + view.PointerOffset);
    }

    /// <summary>The record at <paramref name="ordinal"/>: <c>width</c> values.</summary>
    public ReadOnlySpan<T> this[int ordinal] => new(start + (long)ordinal * width, width);

    /// <summary><paramref name="count"/> values from value <paramref name="first"/> on, whatever the width: for files of records of varying length.</summary>
    public ReadOnlySpan<T> Values(long first, int count) => new(start + first, count);

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }
}

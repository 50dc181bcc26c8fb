namespace MMForge.Media;

/// <summary>
/// Reads a whole image file into the calling thread's scratch array (<see cref="ThreadScratch"/>)
/// rather than a new array per file, as <c>File.ReadAllBytes</c> would: most image files are over
/// the large-object threshold (85,000 bytes), and a stream of them made the background GC take
/// about 5% of the hash stage's CPU time.
/// </summary>
internal static class ScratchFile
{
    /// <summary>The bytes of <paramref name="path"/>, valid until the calling thread's next read.</summary>
    public static ReadOnlySpan<byte> Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength) throw new IOException($"{path} is too large to read ({length:N0} bytes)");
        var buffer = ThreadScratch.FileBytes((int)length);
        var read = 0;
        while (read < length && RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read) is var n and > 0) read += n;
        return buffer.AsSpan(0, read); // shorter when the file was cut while it was read, as ReadAllBytes would return
    }
}

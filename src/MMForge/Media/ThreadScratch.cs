namespace MMForge.Media;

/// <summary>
/// Arrays each thread reuses from image to image, so hashing a stream of images does not allocate
/// (and the GC does not zero) a multi-megabyte array per image. Callers use them only until their
/// next call on the same thread.
/// </summary>
internal static class ThreadScratch
{
    /// <summary>Larger requests get a fresh array that is not kept: one huge image must not pin its memory to a thread for good.</summary>
    private const int MaxKeptBytes = 64 << 20;

    [ThreadStatic] private static byte[]? _file;
    [ThreadStatic] private static byte[]? _pixels;
    [ThreadStatic] private static int[]? _luma;
    [ThreadStatic] private static int[]? _stage;

    /// <summary>An image file's bytes (<see cref="ScratchFile"/>).</summary>
    public static byte[] FileBytes(int length) => Reuse(ref _file, length);

    /// <summary>Decoded pixels.</summary>
    public static byte[] Pixels(int length) => Reuse(ref _pixels, length);

    /// <summary>One row of luma values, as ints ready for the resampler's multiply-adds.</summary>
    public static int[] Luma(int length) => Reuse(ref _luma, length);

    /// <summary>The resampler's horizontally resized rows.</summary>
    public static int[] Stage(int length) => Reuse(ref _stage, length);

    private static T[] Reuse<T>(ref T[]? kept, int length)
    {
        if (kept is { } array && array.Length >= length) return array;
        var fresh = GC.AllocateUninitializedArray<T>(length);
        if ((long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() <= MaxKeptBytes) kept = fresh;
        return fresh;
    }
}

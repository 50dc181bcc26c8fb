using System.Runtime.InteropServices;
using MMForge.Media;

namespace MMForge.Bench;

/// <summary>
/// libturbojpeg with nothing around it: one handle and one output buffer reused for every image,
/// no checks, no result. The baseline the hashing modes are measured against. One per thread.
/// </summary>
public sealed unsafe class BareJpegDecoder : IDisposable
{
    private readonly nint _handle = TurboJpegNative.InitDecompress();
    private byte[] _pixels = [];

    /// <summary>Decodes to RGB at full size, or with <paramref name="minSide"/> at the DCT scale the fast mode uses.</summary>
    public void Decode(byte[] jpeg, int? minSide)
    {
        fixed (byte* source = jpeg)
        {
            var size = new CULong((nuint)jpeg.Length);
            if (TurboJpegNative.DecompressHeader(_handle, source, size, out var width, out var height, out _, out _) != 0)
                throw new InvalidOperationException(TurboJpegNative.ErrorMessage(_handle));
            if (minSide is { } side) (width, height) = JpegDecoder.Scaled(width, height, side);
            if (_pixels.Length < width * height * 3) _pixels = GC.AllocateUninitializedArray<byte>(width * height * 3);
            fixed (byte* destination = _pixels)
                if (TurboJpegNative.Decompress(_handle, source, size, destination, width, width * 3, height, TurboJpegNative.PixelFormatRgb, 0) != 0)
                    throw new InvalidOperationException(TurboJpegNative.ErrorMessage(_handle));
        }
    }

    public void Dispose() => TurboJpegNative.Destroy(_handle);
}

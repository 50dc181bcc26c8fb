using System.Runtime.InteropServices;

namespace MMForge.Media;

/// <summary>The few libturbojpeg (TurboJPEG 2.x API) calls the JPEG decoder and encoder use.</summary>
internal static unsafe partial class TurboJpegNative
{
    private const string Lib = "libturbojpeg.so.0";

    public const int PixelFormatRgb = 0;   // TJPF_RGB
    public const int PixelFormatGray = 6;  // TJPF_GRAY
    public const int PixelFormatCmyk = 11; // TJPF_CMYK
    public const int Subsampling444 = 0;   // TJSAMP_444
    public const int Subsampling420 = 2;   // TJSAMP_420
    public const int SubsamplingGray = 3;  // TJSAMP_GRAY
    public const int ColorspaceGray = 2;   // TJCS_GRAY
    public const int ColorspaceCmyk = 3;   // TJCS_CMYK
    public const int ColorspaceYcck = 4;   // TJCS_YCCK
    public const int ErrorWarning = 0;     // TJERR_WARNING

    public static readonly NativeLibraryGate Gate = new(Lib, "libturbojpeg0", () => Destroy(InitDecompress()));

    [LibraryImport(Lib, EntryPoint = "tjInitDecompress")]
    public static partial nint InitDecompress();

    [LibraryImport(Lib, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(nint handle, byte* jpeg, CULong size, out int width, out int height, out int subsampling, out int colorspace);

    /// <summary>Flags 0: accurate integer (ISLOW) DCT and fancy upsampling, libjpeg's defaults, as Pillow decodes.</summary>
    [LibraryImport(Lib, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(nint handle, byte* jpeg, CULong size, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Lib, EntryPoint = "tjInitCompress")]
    public static partial nint InitCompress();

    /// <summary>With *jpeg null libturbojpeg allocates the output, to be released with <see cref="Free"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "tjCompress2")]
    public static partial int Compress(nint handle, byte* source, int width, int pitch, int height, int pixelFormat,
        byte** jpeg, CULong* jpegSize, int subsampling, int quality, int flags);

    [LibraryImport(Lib, EntryPoint = "tjFree")]
    public static partial void Free(byte* buffer);

    [LibraryImport(Lib, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    [LibraryImport(Lib, EntryPoint = "tjGetErrorStr2")]
    private static partial nint GetErrorStr(nint handle);

    [LibraryImport(Lib, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(nint handle);

    public static string ErrorMessage(nint handle) => Marshal.PtrToStringUTF8(GetErrorStr(handle)) ?? "unknown libturbojpeg error";
}

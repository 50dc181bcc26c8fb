using System.Runtime.InteropServices;

namespace MMForge.Media;

/// <summary>The few libvips calls the non-JPEG decoder and the image shrinker use.</summary>
internal static unsafe partial class VipsNative
{
    private const string Lib = "libvips.so.42";

    public const int FormatUChar = 0;   // VIPS_FORMAT_UCHAR
    public const int FormatUShort = 2;  // VIPS_FORMAT_USHORT
    public const int InterpretationCmyk = 15; // VIPS_INTERPRETATION_CMYK

    public static readonly NativeLibraryGate Gate = new(Lib, "libvips42", Initialize);

    /// <summary>vips_init must run once before any other call; its failure is a broken install, not a bad image.</summary>
    private static void Initialize()
    {
        if (Init("mmforge") != 0) throw new InvalidOperationException("vips_init failed: " + TakeError());
        // The operation cache keys a buffer load by its address: a later image pinned at the same
        // address would get the earlier image back. Every image is loaded once anyway.
        CacheSetMax(0);
    }

    [LibraryImport(Lib, EntryPoint = "vips_cache_set_max")]
    private static partial void CacheSetMax(int max);

    [LibraryImport(Lib, EntryPoint = "vips_init", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Init(string argv0);

    /// <summary>Variadic in C; the trailing null ends the (empty) option list. Reads the header only.</summary>
    [LibraryImport(Lib, EntryPoint = "vips_image_new_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint NewFromBuffer(byte* buffer, nuint length, string options, nint terminator);

    [LibraryImport(Lib, EntryPoint = "vips_image_get_width")]
    public static partial int Width(nint image);

    [LibraryImport(Lib, EntryPoint = "vips_image_get_height")]
    public static partial int Height(nint image);

    [LibraryImport(Lib, EntryPoint = "vips_image_get_bands")]
    public static partial int Bands(nint image);

    [LibraryImport(Lib, EntryPoint = "vips_image_get_format")]
    public static partial int BandFormat(nint image);

    /// <summary>The file's frame or page count ("n-pages"), 1 when it has no such metadata.</summary>
    [LibraryImport(Lib, EntryPoint = "vips_image_get_n_pages")]
    public static partial int Pages(nint image);

    [LibraryImport(Lib, EntryPoint = "vips_image_get_interpretation")]
    public static partial int Interpretation(nint image);

    /// <summary>Decodes the whole image into memory owned by the image; 0 on success.</summary>
    [LibraryImport(Lib, EntryPoint = "vips_image_wio_input")]
    public static partial int WioInput(nint image);

    [LibraryImport(Lib, EntryPoint = "vips_image_get_data")]
    public static partial byte* Data(nint image);

    /// <summary>VIPS_SIZE_DOWN: a thumbnail never enlarges.</summary>
    public const int SizeDown = 2;

    /// <summary>
    /// Variadic in C: shrink-on-load to fit <paramref name="width"/> x the named height option,
    /// never enlarging (the named size option), honouring EXIF orientation; the trailing null
    /// ends the options. The buffer must stay pinned until the output image is released.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "vips_thumbnail_buffer", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ThumbnailBuffer(byte* buffer, nuint length, out nint image, int width,
        string heightName, int height, string sizeName, int size, nint terminator);

    /// <summary>Variadic in C: JPEG-encodes into a buffer the caller frees with <see cref="Free"/>; the named option sets the quality.</summary>
    [LibraryImport(Lib, EntryPoint = "vips_jpegsave_buffer", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int JpegSaveBuffer(nint image, out byte* buffer, out nuint length, string qualityName, int quality, nint terminator);

    [LibraryImport(Lib, EntryPoint = "g_free")]
    public static partial void Free(void* memory);

    /// <summary>Found through libvips' own dependency on libgobject.</summary>
    [LibraryImport(Lib, EntryPoint = "g_object_unref")]
    public static partial void Unref(nint gobject);

    [LibraryImport(Lib, EntryPoint = "vips_error_buffer")]
    private static partial nint ErrorBuffer();

    [LibraryImport(Lib, EntryPoint = "vips_error_clear")]
    private static partial void ErrorClear();

    /// <summary>The accumulated libvips error text, cleared for the next call (the buffer is process-wide).</summary>
    public static string TakeError()
    {
        var text = Marshal.PtrToStringUTF8(ErrorBuffer())?.Trim() ?? "";
        ErrorClear();
        return text.Length == 0 ? "unknown libvips error" : text;
    }
}

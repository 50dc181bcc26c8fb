using System.Runtime.InteropServices;
using MMForge.Media;

namespace MMForge.Tests.Media;

/// <summary>
/// Encodes test images with libvips (the same library the non-JPEG decoder uses): CMYK TIFFs and
/// JPEGs, animated GIFs. Pixels are packed 8-bit bands; frames of an animation are stacked vertically.
/// </summary>
internal static unsafe partial class VipsEncoder
{
    private const string Lib = "libvips.so.42";
    private const int InterpretationCmyk = 15;

    public static byte[] CmykJpeg(byte[] cmyk, int width, int height) =>
        Save(cmyk, width, height, 4, cmykInterpretation: true, pageHeight: null,
            (image, buffer, length) => JpegSave(image, buffer, length, "Q", 100, 0));

    public static byte[] CmykTiff(byte[] cmyk, int width, int height) =>
        Save(cmyk, width, height, 4, cmykInterpretation: true, pageHeight: null, (image, buffer, length) => TiffSave(image, buffer, length, 0));

    public static byte[] AnimatedGif(byte[] rgbFrames, int width, int frameHeight, int frames) =>
        Save(rgbFrames, width, frameHeight * frames, 3, cmykInterpretation: false, frameHeight, (image, buffer, length) => GifSave(image, buffer, length, 0));

    private delegate int Saver(nint image, nint* buffer, nuint* length);

    private static byte[] Save(byte[] pixels, int width, int height, int bands, bool cmykInterpretation, int? pageHeight, Saver save)
    {
        VipsNative.Gate.Ensure(); // vips_init
        fixed (byte* data = pixels)
        {
            var image = NewFromMemory(data, (nuint)pixels.Length, width, height, bands, 0 /* VIPS_FORMAT_UCHAR */);
            if (cmykInterpretation)
            {
                nint copy;
                Check(Copy(image, &copy, "interpretation", InterpretationCmyk, 0));
                Unref(image);
                image = copy;
            }
            try
            {
                if (pageHeight is { } h) SetInt(image, "page-height", h);
                nint buffer;
                nuint length;
                Check(save(image, &buffer, &length));
                var bytes = new ReadOnlySpan<byte>((void*)buffer, (int)length).ToArray();
                Free(buffer);
                return bytes;
            }
            finally { Unref(image); }
        }
    }

    private static void Check(int result)
    {
        if (result != 0) throw new InvalidOperationException("libvips: " + Marshal.PtrToStringUTF8(ErrorBuffer()));
    }

    [LibraryImport(Lib, EntryPoint = "vips_image_new_from_memory")]
    private static partial nint NewFromMemory(byte* data, nuint size, int width, int height, int bands, int format);

    [LibraryImport(Lib, EntryPoint = "vips_copy", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Copy(nint input, nint* output, string option, int value, nint terminator);

    [LibraryImport(Lib, EntryPoint = "vips_image_set_int", StringMarshalling = StringMarshalling.Utf8)]
    private static partial void SetInt(nint image, string name, int value);

    [LibraryImport(Lib, EntryPoint = "vips_jpegsave_buffer", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int JpegSave(nint image, nint* buffer, nuint* length, string option, int value, nint terminator);

    [LibraryImport(Lib, EntryPoint = "vips_tiffsave_buffer")]
    private static partial int TiffSave(nint image, nint* buffer, nuint* length, nint terminator);

    [LibraryImport(Lib, EntryPoint = "vips_gifsave_buffer")]
    private static partial int GifSave(nint image, nint* buffer, nuint* length, nint terminator);

    [LibraryImport(Lib, EntryPoint = "g_free")]
    private static partial void Free(nint memory);

    [LibraryImport(Lib, EntryPoint = "g_object_unref")]
    private static partial void Unref(nint gobject);

    [LibraryImport(Lib, EntryPoint = "vips_error_buffer")]
    private static partial nint ErrorBuffer();
}

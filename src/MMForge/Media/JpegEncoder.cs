using System.Runtime.InteropServices;

namespace MMForge.Media;

/// <summary>
/// Encodes packed 8-bit pixels as JPEG through libturbojpeg: the tests and the hashing benchmark
/// make their inputs with it (grey, RGB, or CMYK, which libturbojpeg writes as YCCK).
/// </summary>
internal static unsafe class JpegEncoder
{
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int pixelFormat, int quality,
        int subsampling = TurboJpegNative.Subsampling420)
    {
        var channels = pixelFormat switch
        {
            TurboJpegNative.PixelFormatGray => 1,
            TurboJpegNative.PixelFormatRgb => 3,
            TurboJpegNative.PixelFormatCmyk => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(pixelFormat), pixelFormat, "grey, RGB or CMYK"),
        };
        if (pixels.Length < width * height * channels) throw new ArgumentException("fewer pixels than the size declares", nameof(pixels));
        TurboJpegNative.Gate.Ensure();
        var handle = TurboJpegNative.InitCompress();
        if (handle == 0) throw new InvalidOperationException("tjInitCompress failed");
        byte* jpeg = null;
        try
        {
            var size = new CULong(0);
            fixed (byte* source = pixels)
            {
                if (TurboJpegNative.Compress(handle, source, width, width * channels, height, pixelFormat, &jpeg, &size,
                        pixelFormat == TurboJpegNative.PixelFormatGray ? TurboJpegNative.SubsamplingGray : subsampling, quality, 0) != 0)
                    throw new InvalidOperationException("tjCompress2 failed: " + TurboJpegNative.ErrorMessage(handle));
            }
            return new ReadOnlySpan<byte>(jpeg, checked((int)size.Value)).ToArray();
        }
        finally
        {
            if (jpeg != null) TurboJpegNative.Free(jpeg);
            TurboJpegNative.Destroy(handle);
        }
    }
}

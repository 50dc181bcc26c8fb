using System.Runtime.InteropServices;

namespace MMForge.Media;

/// <summary>
/// JPEG through libturbojpeg: the same libjpeg-turbo Pillow decodes with, called with the same
/// defaults, so the pixels are Pillow's. Grayscale JPEGs stay one channel, as Pillow's mode L.
/// </summary>
internal static unsafe class JpegDecoder
{
    /// <summary>
    /// Decodes the JPEG; with <paramref name="minSide"/>, at the smallest DCT scale k/8 that keeps
    /// both sides at least that long (libjpeg-turbo skips most of the work at small scales).
    /// </summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, DecodeLimits limits, int? minSide = null)
    {
        TurboJpegNative.Gate.Ensure();
        var handle = TurboJpegNative.InitDecompress();
        if (handle == 0) throw new InvalidOperationException("tjInitDecompress failed");
        try
        {
            fixed (byte* source = bytes)
            {
                var size = new CULong((nuint)bytes.Length);
                if (TurboJpegNative.DecompressHeader(handle, source, size, out var width, out var height, out _, out var colorspace) != 0)
                    throw Failure(handle);
                limits.CheckHeader(width, height);
                if (colorspace is TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck)
                    throw new ImageDecodeException(DecodeFailure.Unsupported, "CMYK JPEG images are not supported yet");
                var channels = colorspace == TurboJpegNative.ColorspaceGray ? 1 : 3;
                var pixelFormat = channels == 1 ? TurboJpegNative.PixelFormatGray : TurboJpegNative.PixelFormatRgb;
                var (fullWidth, fullHeight) = (width, height);
                (width, height) = minSide is { } side ? Scaled(width, height, side) : (width, height);
                var pixels = new byte[checked(width * height * channels)];
                fixed (byte* destination = pixels)
                {
                    if (TurboJpegNative.Decompress(handle, source, size, destination, width, width * channels, height, pixelFormat, 0) != 0
                        && !IsTolerableWarning(handle))
                        throw Failure(handle);
                }
                return new DecodedImage(width, height, channels, pixels, "jpeg") { FullWidth = fullWidth, FullHeight = fullHeight };
            }
        }
        finally
        {
            TurboJpegNative.Destroy(handle);
        }
    }

    /// <summary>The size at the smallest scale k/8 (k = 1..8) keeping both sides at least <paramref name="minSide"/>, rounded up as libjpeg does.</summary>
    internal static (int Width, int Height) Scaled(int width, int height, int minSide)
    {
        for (var k = 1; k < 8; k++)
        {
            int w = (width * k + 7) / 8, h = (height * k + 7) / 8;
            if (w >= minSide && h >= minSide) return (w, h);
        }
        return (width, height);
    }

    /// <summary>
    /// Pillow ignores libjpeg's warnings (extraneous bytes, bad markers) except running out of
    /// data, which it reports as a truncated file; do the same.
    /// </summary>
    private static bool IsTolerableWarning(nint handle) =>
        TurboJpegNative.GetErrorCode(handle) == TurboJpegNative.ErrorWarning && !IsTruncation(TurboJpegNative.ErrorMessage(handle));

    private static bool IsTruncation(string message) => message.Contains("Premature end", StringComparison.OrdinalIgnoreCase);

    private static ImageDecodeException Failure(nint handle)
    {
        var message = TurboJpegNative.ErrorMessage(handle);
        return IsTruncation(message)
            ? new ImageDecodeException(DecodeFailure.Truncated, "truncated JPEG: " + message)
            : new ImageDecodeException(DecodeFailure.Corrupt, "invalid JPEG: " + message);
    }
}

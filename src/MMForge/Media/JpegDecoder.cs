using System.Runtime.InteropServices;

namespace MMForge.Media;

/// <summary>
/// JPEG through libturbojpeg: the same libjpeg-turbo Pillow decodes with, called with the same
/// defaults, so the pixels are Pillow's. Grayscale JPEGs stay one channel, as Pillow's mode L;
/// CMYK (and YCCK) JPEGs are decoded to CMYK, as Pillow's mode CMYK, and handed on as the RGB
/// Pillow converts them to (<see cref="PillowCmyk"/>).
/// </summary>
internal static unsafe class JpegDecoder
{
    /// <summary>
    /// Decodes the JPEG; with <paramref name="minSide"/>, at the smallest DCT scale k/8 that keeps
    /// both sides at least that long (libjpeg-turbo skips most of the work at small scales).
    /// </summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, DecodeLimits limits, int? minSide = null)
    {
        byte[]? pixels = null;
        var frame = Decode(bytes, limits, minSide, length => pixels = new byte[length]);
        return frame.Image(pixels!, "jpeg");
    }

    /// <summary>
    /// The same decode into this thread's reused buffer: the pixels are valid until the thread's
    /// next decode, which is all a hash needs, and no multi-megabyte array is allocated per image.
    /// </summary>
    public static PixelView DecodeTransient(ReadOnlySpan<byte> bytes, DecodeLimits limits, int? minSide, out DecodedFrame frame)
    {
        byte[]? pixels = null;
        frame = Decode(bytes, limits, minSide, length => pixels = ThreadScratch.Pixels(length));
        return frame.View(pixels!);
    }

    /// <summary>Decodes into the array <paramref name="buffer"/> returns for the decoded length (at least the frame's).</summary>
    private static DecodedFrame Decode(ReadOnlySpan<byte> bytes, DecodeLimits limits, int? minSide, Func<int, byte[]> buffer)
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
                var (pixelFormat, decodedChannels) = colorspace switch
                {
                    TurboJpegNative.ColorspaceGray => (TurboJpegNative.PixelFormatGray, 1),
                    TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck => (TurboJpegNative.PixelFormatCmyk, 4),
                    _ => (TurboJpegNative.PixelFormatRgb, 3),
                };
                var (scaledWidth, scaledHeight) = minSide is { } side ? Scaled(width, height, side) : (width, height);
                var pixels = buffer(checked(scaledWidth * scaledHeight * decodedChannels));
                fixed (byte* destination = pixels)
                {
                    if (TurboJpegNative.Decompress(handle, source, size, destination, scaledWidth, scaledWidth * decodedChannels, scaledHeight, pixelFormat, 0) != 0
                        && !IsTolerableWarning(handle))
                        throw Failure(handle);
                }
                if (decodedChannels == 4) PillowCmyk.ToRgbInPlace(pixels, scaledWidth * scaledHeight, inverted: true);
                return new DecodedFrame(scaledWidth, scaledHeight, Math.Min(decodedChannels, 3), width, height);
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

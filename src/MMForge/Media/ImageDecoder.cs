using MMForge.Formats.Writers;

namespace MMForge.Media;

/// <summary>Decodes image bytes, choosing the decoder from the content (a JPEG named .png is a JPEG).</summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes at full size, or with <paramref name="reduceToMinSide"/> JPEGs at a reduced DCT
    /// scale whose sides stay at least that long (the fast hashing mode); other formats are
    /// always decoded at full size.
    /// </summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, DecodeLimits? limits = null, int? reduceToMinSide = null)
    {
        limits ??= DecodeLimits.Default;
        var format = FormatOf(bytes);
        return format == "jpeg" ? JpegDecoder.Decode(bytes, limits, reduceToMinSide) : VipsDecoder.Decode(bytes, format, limits);
    }

    /// <summary>
    /// The same decode into the calling thread's reused buffer, valid until its next decode: for a
    /// hash, which keeps nothing of the pixels. <paramref name="format"/> is the one sniffed.
    /// </summary>
    internal static PixelView DecodeTransient(ReadOnlySpan<byte> bytes, DecodeLimits limits, int? reduceToMinSide, out DecodedFrame frame, out string format)
    {
        format = FormatOf(bytes);
        return format == "jpeg"
            ? JpegDecoder.DecodeTransient(bytes, limits, reduceToMinSide, out frame)
            : VipsDecoder.DecodeTransient(bytes, format, limits, out frame);
    }

    private static string FormatOf(ReadOnlySpan<byte> bytes) =>
        ImageFormatSniffer.Format(bytes) ?? throw new ImageDecodeException(DecodeFailure.UnknownFormat, "not a known image format");
}

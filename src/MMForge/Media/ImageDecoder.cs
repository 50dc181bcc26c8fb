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
        return ImageFormatSniffer.Format(bytes) switch
        {
            "jpeg" => JpegDecoder.Decode(bytes, limits, reduceToMinSide),
            null => throw new ImageDecodeException(DecodeFailure.UnknownFormat, "not a known image format"),
            var format => VipsDecoder.Decode(bytes, format, limits),
        };
    }
}

using MMForge.Formats.Writers;

namespace MMForge.Media;

/// <summary>Decodes image bytes, choosing the decoder from the content (a JPEG named .png is a JPEG).</summary>
public static class ImageDecoder
{
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        return ImageFormatSniffer.Format(bytes) switch
        {
            "jpeg" => JpegDecoder.Decode(bytes, limits),
            null => throw new ImageDecodeException(DecodeFailure.UnknownFormat, "not a known image format"),
            var format => VipsDecoder.Decode(bytes, format, limits),
        };
    }
}

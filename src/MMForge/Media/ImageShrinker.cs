namespace MMForge.Media;

/// <summary>
/// Makes images small enough to send to a model: a JPEG whose longer side is at most a given
/// length, through libvips' shrink-on-load (a large JPEG is decoded at a reduced scale, so this
/// costs a fraction of a full decode). Alpha is flattened away by the JPEG encoder; EXIF
/// orientation is applied, as a model should see the picture upright.
/// </summary>
public static unsafe class ImageShrinker
{
    /// <summary>JPEG quality of shrunk images: high enough that no model sees artefacts.</summary>
    public const int Quality = 90;

    /// <summary>
    /// The image as a JPEG fitting <paramref name="maxSide"/> x <paramref name="maxSide"/>; the
    /// original bytes when it already fits and is a JPEG or PNG (re-encoding would only lose detail).
    /// </summary>
    public static (byte[] Bytes, string MediaType) ForModel(byte[] image, int maxSide, DecodeLimits? limits = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        var format = Formats.Writers.ImageFormatSniffer.Format(image)
            ?? throw new ImageDecodeException(DecodeFailure.UnknownFormat, "not a known image format");
        VipsNative.Gate.Ensure();
        fixed (byte* source = image)
        {
            var header = VipsNative.NewFromBuffer(source, (nuint)image.Length, "", 0);
            if (header == 0) throw new ImageDecodeException(DecodeFailure.Corrupt, $"invalid {format}: {VipsNative.TakeError()}");
            int width, height;
            try
            {
                (width, height) = (VipsNative.Width(header), VipsNative.Height(header));
                (limits ?? DecodeLimits.Default).CheckHeader(width, height);
            }
            finally
            {
                VipsNative.Unref(header);
            }
            if (Math.Max(width, height) <= maxSide && format is "jpeg" or "png") return (image, "image/" + format);

            if (VipsNative.ThumbnailBuffer(source, (nuint)image.Length, out var thumbnail, maxSide, "height", maxSide, "size", VipsNative.SizeDown, 0) != 0)
                throw new ImageDecodeException(DecodeFailure.Corrupt, $"invalid {format}: {VipsNative.TakeError()}");
            try
            {
                if (VipsNative.JpegSaveBuffer(thumbnail, out var jpeg, out var length, "Q", Quality, 0) != 0)
                    throw new ImageDecodeException(DecodeFailure.Unsupported, $"{format} image cannot be encoded as JPEG: {VipsNative.TakeError()}");
                try { return (new ReadOnlySpan<byte>(jpeg, checked((int)length)).ToArray(), "image/jpeg"); }
                finally { VipsNative.Free(jpeg); }
            }
            finally
            {
                VipsNative.Unref(thumbnail);
            }
        }
    }
}

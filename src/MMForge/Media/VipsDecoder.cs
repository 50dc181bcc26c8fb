namespace MMForge.Media;

/// <summary>
/// Every format but JPEG through libvips, reduced to the 8-bit channels Pillow would load:
/// palettes arrive already expanded to RGB(A), 16-bit samples are narrowed as Pillow narrows them,
/// CMYK (TIFF) becomes the RGB Pillow converts it to. libvips loads the first frame (page 0) of
/// animated GIF, WebP and multi-page files, as Pillow does on open.
/// </summary>
internal static unsafe class VipsDecoder
{
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, string format, DecodeLimits limits)
    {
        byte[]? pixels = null;
        var frame = Decode(bytes, format, limits, length => pixels = new byte[length]);
        return frame.Image(pixels!, format);
    }

    /// <summary>
    /// The same decode into this thread's reused buffer (<see cref="ThreadScratch"/>): valid until the
    /// thread's next decode, which is all a hash needs, so no array of the image's size is allocated.
    /// </summary>
    public static PixelView DecodeTransient(ReadOnlySpan<byte> bytes, string format, DecodeLimits limits, out DecodedFrame frame)
    {
        byte[]? pixels = null;
        frame = Decode(bytes, format, limits, length => pixels = ThreadScratch.Pixels(length));
        return frame.View(pixels!);
    }

    /// <summary>Decodes into the array <paramref name="buffer"/> returns for the decoded length (at least the frame's).</summary>
    private static DecodedFrame Decode(ReadOnlySpan<byte> bytes, string format, DecodeLimits limits, Func<int, byte[]> buffer)
    {
        VipsNative.Gate.Ensure();
        // libvips keeps reading from the caller's buffer until the image is released: stay pinned till then.
        fixed (byte* source = bytes)
        {
            // libvips fills a truncated image with grey by default; Pillow refuses it, so do we.
            var image = VipsNative.NewFromBuffer(source, (nuint)bytes.Length, "fail_on=truncated", 0);
            if (image == 0) throw Failure(format, VipsNative.TakeError());
            try
            {
                var width = VipsNative.Width(image);
                var height = VipsNative.Height(image);
                limits.CheckHeader(width, height);
                var channels = VipsNative.Bands(image);
                var bandFormat = VipsNative.BandFormat(image);
                var cmyk = VipsNative.Interpretation(image) == VipsNative.InterpretationCmyk;
                if ((cmyk ? channels != 4 : channels > 4) || bandFormat is not (VipsNative.FormatUChar or VipsNative.FormatUShort))
                    throw new ImageDecodeException(DecodeFailure.Unsupported,
                        $"{format} image with {channels} bands of libvips format {bandFormat}{(cmyk ? " (CMYK)" : "")} is not supported");
                if (VipsNative.WioInput(image) != 0) throw Failure(format, VipsNative.TakeError());
                var count = checked(width * height * channels);
                var pixels = buffer(count);
                if (bandFormat == VipsNative.FormatUChar) new ReadOnlySpan<byte>(VipsNative.Data(image), count).CopyTo(pixels);
                else Narrow(new ReadOnlySpan<ushort>(VipsNative.Data(image), count), channels, pixels);
                if (cmyk)
                {
                    // TIFF stores ink amounts as they are; only JPEGs are read inverted.
                    PillowCmyk.ToRgbInPlace(pixels, width * height, inverted: false);
                    channels = 3;
                }
                return new DecodedFrame(width, height, channels, width, height, VipsNative.Pages(image));
            }
            finally
            {
                VipsNative.Unref(image);
            }
        }
    }

    /// <summary>
    /// Pillow 9.4 loads 16-bit RGB(A), CMYK and LA as 8-bit by keeping the high byte, but 16-bit
    /// grayscale as mode I, which convert('L') clips to 0..255 rather than scaling.
    /// </summary>
    private static void Narrow(ReadOnlySpan<ushort> samples, int channels, Span<byte> pixels)
    {
        var highByte = channels >= 2;
        for (var i = 0; i < samples.Length; i++)
            pixels[i] = highByte ? (byte)(samples[i] >> 8) : (byte)Math.Min(samples[i], (ushort)255);
    }

    /// <summary>
    /// libvips' messages are the loaders' own; these are the ones that mean the data ran out
    /// ("libpng read error" is libpng's reader finding no more bytes, not bad data).
    /// </summary>
    private static readonly string[] TruncationMarkers = ["truncat", "premature", "libpng read error", "unexpected end"];

    private static ImageDecodeException Failure(string format, string message) =>
        TruncationMarkers.Any(marker => message.Contains(marker, StringComparison.OrdinalIgnoreCase))
            ? new ImageDecodeException(DecodeFailure.Truncated, $"truncated {format}: {message}")
            : new ImageDecodeException(DecodeFailure.Corrupt, $"invalid {format}: {message}");
}

using MMForge.Formats.Writers;

namespace MMForge.Formats.Codecs;

/// <summary>RFC 2397 data URLs holding base64 image bytes, as OpenAI-style messages embed images.</summary>
public static class DataUrl
{
    public static bool IsDataUrl(string url) => url.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    public static byte[] Decode(string url, string field)
    {
        var comma = url.IndexOf(',');
        if (comma < 0 || !url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            throw RecordException.BadField(field, "a base64 data URL (data:<type>;base64,<bytes>)");
        try { return Convert.FromBase64String(url[(comma + 1)..]); }
        catch (FormatException) { throw RecordException.BadField(field, "a data URL with valid base64 bytes"); }
    }

    /// <summary>The bytes as a data URL typed by their content ("image" alone when the format is not recognised, as Qwen writes it).</summary>
    public static string Encode(byte[] bytes) =>
        $"data:image{(ImageFormatSniffer.Format(bytes) is { } format ? "/" + format : "")};base64,{Convert.ToBase64String(bytes)}";
}

using System.IO.Compression;
using System.Text.Json;
using MMForge.Formats.Containers;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Formats;

/// <summary>
/// Opens an input path as record sources, deciding the container and the format from the
/// content, not the file name: gzip by its magic, tar by its header, a JSON array by '[',
/// JSON Lines when the first line is a complete record, otherwise a whole-file document
/// (COCO, InternVL meta, dataset_info.json). The record format is detected from the first
/// records unless <see cref="SourceRequest.Format"/> names it.
/// </summary>
public sealed class SourceOpener(FormatRegistry registry)
{
    /// <summary>Records inspected for format detection before giving up (the first may be malformed).</summary>
    private const int DetectionRecords = 16;

    /// <summary>Whole-file documents larger than this are refused (they are parsed in memory).</summary>
    public const long MaxDocumentBytes = 2L << 30;

    public IEnumerable<OpenedSource> Open(SourceRequest request)
    {
        var path = request.Path;
        if (Directory.Exists(path))
        {
            if (DatasetDirectory.IsDataset(path)) return [DatasetDirectory.Open(path, request)];
            throw new FormatException($"{path} is a directory but not an mmforge dataset (no manifest.json); pass the data files instead");
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"input not found: {path}", path);

        var head = ReadHead(path, 4096);
        if (Sniff.IsTar(head)) return [WebDataset.Open(request, registry)];
        var first = Sniff.FirstNonWhitespace(head);
        return first switch
        {
            (byte)'[' => [OpenRecords(request, "json", s => JsonArraySplitter.Split(s, path, request.MaxRecordBytes))],
            (byte)'{' when LooksLikeJsonLines(request) => [OpenRecords(request, "jsonl", s => JsonLinesSplitter.Split(s, path, request.MaxRecordBytes))],
            (byte)'{' => OpenDocument(request),
            _ => throw new FormatException($"{path}: not a JSON, JSON Lines or tar file (starts with byte 0x{first:x2})"),
        };
    }

    /// <summary>The default source name: the file name without data extensions.</summary>
    public static string DefaultSourceName(string path)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        foreach (var ext in new[] { ".gz", ".zst", ".jsonl", ".json", ".tar" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) name = name[..^ext.Length];
        return name;
    }

    /// <summary>Opens the file for reading, decompressing gzip transparently.</summary>
    public static Stream OpenRead(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        var n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static byte[] ReadHead(string path, int count)
    {
        using var stream = OpenRead(path);
        var buffer = new byte[count];
        var total = 0;
        int n;
        while (total < count && (n = stream.Read(buffer, total, count - total)) > 0) total += n;
        return buffer[..total];
    }

    private OpenedSource OpenRecords(SourceRequest request, string container, Func<Stream, IEnumerable<RawRecord>> split)
    {
        var codec = request.Format is { } name ? registry.Codec(name) : DetectCodec(request.Path, split);
        return new OpenedSource(request.SourceName ?? DefaultSourceName(request.Path), codec, Records(request.Path, split))
        {
            ImageRoot = request.ImageRoot ?? Path.GetDirectoryName(Path.GetFullPath(request.Path)),
            File = request.Path,
            Container = container,
        };
    }

    private static IEnumerable<RawRecord> Records(string path, Func<Stream, IEnumerable<RawRecord>> split)
    {
        foreach (var record in split(OpenRead(path))) yield return record;
    }

    private IRecordCodec DetectCodec(string path, Func<Stream, IEnumerable<RawRecord>> split)
    {
        var detection = registry.DetectCodec(Records(path, split).Take(DetectionRecords).Where(r => r.Error is null).Select(r => r.Json));
        return detection.Codec ?? throw new FormatException($"{path}: cannot tell the record format{registry.FormatAdvice(detection)}");
    }

    /// <summary>
    /// JSON Lines when a record format was named, or when the first line is a complete JSON
    /// value that is either followed by more lines or not a known document, or when the first
    /// line is malformed but the second is complete (a bad first record). A pretty-printed
    /// document fails all of these: its first line is just "{".
    /// </summary>
    private bool LooksLikeJsonLines(SourceRequest request)
    {
        if (request.Format is { } name && registry.FindCodec(name) is not null) return true;
        using var stream = OpenRead(request.Path);
        var lines = JsonLinesSplitter.Split(stream, request.Path, request.MaxRecordBytes).Take(2).ToList();
        if (lines.Count == 0) return true;
        using var first = TryParse(lines[0]);
        if (first is not null) return lines.Count > 1 || registry.DetectDocument(first.RootElement) is null;
        using var second = lines.Count > 1 ? TryParse(lines[1]) : null;
        return second is not null;
    }

    private static JsonDocument? TryParse(RawRecord record)
    {
        if (record.Error is not null) return null;
        try { return JsonDocument.Parse(record.Json, JsonText.ReadOptions); }
        catch (JsonException) { return null; }
    }

    private IEnumerable<OpenedSource> OpenDocument(SourceRequest request)
    {
        var info = new FileInfo(request.Path);
        if (info.Length > MaxDocumentBytes)
            throw new FormatException($"{request.Path}: a whole-file JSON document of {info.Length:N0} bytes is larger than the {MaxDocumentBytes:N0} byte limit");
        JsonDocument doc;
        using (var stream = OpenRead(request.Path))
        {
            try { doc = JsonDocument.Parse(stream, JsonText.ReadOptions); }
            catch (JsonException e) { throw new FormatException($"{request.Path}: invalid JSON at {JsonErrors.Position(e)}: {JsonErrors.Reason(e)}", e); }
        }
        var format = request.Format is { } name
            ? registry.FindDocument(name) ?? throw new FormatException($"{request.Path}: '{name}' is not a document format; this file is one JSON document")
            : registry.DetectDocument(doc.RootElement)
              ?? throw new FormatException($"{request.Path}: a JSON document that is not a known format (top-level keys: {string.Join(", ", doc.RootElement.EnumerateObject().Select(p => p.Name).Take(10))})");
        return format.Open(doc.RootElement, request, registry);
    }

}

/// <summary>Content checks for container detection.</summary>
public static class Sniff
{
    /// <summary>
    /// POSIX/GNU tar: "ustar" at offset 257 of the first header block; or an empty archive,
    /// which is only its end marker of zero blocks (no text format starts with a NUL byte).
    /// </summary>
    public static bool IsTar(ReadOnlySpan<byte> head) =>
        head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8)
        || head.Length >= 1024 && head[..1024].IndexOfAnyExcept((byte)0) < 0;

    public static int FirstNonWhitespace(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8)) head = head[3..];
        var i = head.IndexOfAnyExcept(" \t\r\n"u8);
        return i < 0 ? -1 : head[i];
    }
}

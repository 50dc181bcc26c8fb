using System.Collections.Concurrent;
using System.Security.Cryptography;
using MMForge.Formats;
using MMForge.Formats.Writers;

namespace MMForge.Exports;

/// <summary>How a stored image file was written: copied, hard-linked, or copied because its hard link could not be made.</summary>
public enum StoredImageWay { Copied, Linked, CopiedForLink }

/// <summary>
/// The export's images folder, whose files are named by their content (the first 128 bits of
/// SHA-256, in folders by the first two hex digits, with the extension of the sniffed format), so
/// the same image is stored once, names never depend on untrusted paths, and two exports are
/// identical. Many threads store at once: the first to claim a name writes its file, exactly
/// once, and the others wait for that write rather than repeating it (<see cref="OncePerKey"/>). A file is written under a
/// temporary name unique to the call and renamed, so under its own name it is always complete.
/// </summary>
internal sealed class ImageStore(string workDir, bool hardlink)
{
    /// <summary>Source file -> its stored name: a file used by many samples is read once (twice at most, when two threads meet it at the same moment).</summary>
    private readonly ConcurrentDictionary<string, string> _storedFiles = new(StringComparer.Ordinal);

    /// <summary>Each stored name's one write.</summary>
    private readonly OncePerKey _writes = new();

    /// <summary>How each stored name was written, for the merge of a sharded export (<see cref="Shards.ExportShards"/>).</summary>
    private readonly ConcurrentDictionary<string, StoredImageWay> _ways = new(StringComparer.Ordinal);

    private long _copied, _linked, _linkFallbacks, _temporaries;
    private readonly Lock _fallbackGate = new();
    private string? _fallbackSource;

    /// <summary>Files written by copying (bytes held in records included).</summary>
    public long Copied => Interlocked.Read(ref _copied);

    /// <summary>Files written as hard links to their source.</summary>
    public long Linked => Interlocked.Read(ref _linked);

    /// <summary>Hard links that could not be made, the files copied instead.</summary>
    public long LinkFallbacks => Interlocked.Read(ref _linkFallbacks);

    /// <summary>Every stored name (relative to the export root) and how it was written.</summary>
    public IReadOnlyDictionary<string, StoredImageWay> Ways => _ways;

    /// <summary>Why a hard link failed, to be said once: the failure of the first source in path order, so it does not depend on which thread met one first; null when every link worked.</summary>
    public string? LinkFallbackReason { get; private set; }

    /// <summary>Stores the image file <paramref name="source"/> (copied, or hard-linked when asked and possible); its path relative to the export root.</summary>
    public string StoreFile(string source)
    {
        if (_storedFiles.TryGetValue(source, out var known)) return known;
        var (hash, header) = Read(source, HashWithHeader);
        var relative = StoredName(hash, header, Path.GetExtension(source));
        _writes.Run(relative, () =>
        {
            var target = Path.Combine(workDir, relative);
            if (hardlink && TryLink(source, target))
            {
                Interlocked.Increment(ref _linked);
                _ways[relative] = StoredImageWay.Linked;
            }
            else
            {
                WriteThroughTemporary(target, temporary => Read(source, s => { File.Copy(s, temporary); return 0; }));
                Interlocked.Increment(ref _copied);
                _ways[relative] = hardlink ? StoredImageWay.CopiedForLink : StoredImageWay.Copied;
            }
        });
        _storedFiles[source] = relative;
        return relative;
    }

    /// <summary>Stores image bytes held in a record; their path relative to the export root.</summary>
    public string StoreBytes(byte[] bytes)
    {
        var relative = StoredName(SHA256.HashData(bytes), bytes, null);
        _writes.Run(relative, () =>
        {
            WriteThroughTemporary(Path.Combine(workDir, relative), temporary => File.WriteAllBytes(temporary, bytes));
            Interlocked.Increment(ref _copied);
            _ways[relative] = StoredImageWay.Copied;
        });
        return relative;
    }

    private void WriteThroughTemporary(string target, Action<string> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.tmp-{Environment.ProcessId}-{Interlocked.Increment(ref _temporaries)}";
        try
        {
            write(temporary);
            File.Move(temporary, target);
        }
        catch
        {
            File.Delete(temporary); // a half-written file
            throw;
        }
    }

    private bool TryLink(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (HardLink.TryCreate(source, target) is not { } failure) return true;
        Interlocked.Increment(ref _linkFallbacks);
        lock (_fallbackGate)
            if (_fallbackSource is null || string.CompareOrdinal(source, _fallbackSource) < 0)
                (_fallbackSource, LinkFallbackReason) = (source, $"hard link {source} -> {target} failed ({failure}); such images were copied instead");
        return false;
    }

    /// <summary>images/ab/ab…(32 hex digits).ext: the extension of the sniffed format, else the original's when it is plain, else .bin.</summary>
    private static string StoredName(ReadOnlySpan<byte> sha256, ReadOnlySpan<byte> header, string? originalExtension)
    {
        var hex = Convert.ToHexStringLower(sha256)[..32];
        var extension = ImageFormatSniffer.Format(header) is not null ? ImageFormatSniffer.Extension(header)
            : originalExtension is { Length: >= 2 and <= 6 } e && e[1..].All(char.IsAsciiLetterOrDigit) ? e.ToLowerInvariant()
            : ".bin";
        return $"{ImagePlacer.Folder}/{hex[..2]}/{hex}{extension}";
    }

    private static (byte[] Hash, byte[] Header) HashWithHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var header = new byte[16];
        header = header[..stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false)];
        stream.Position = 0;
        return (SHA256.HashData(stream), header);
    }

    /// <summary>Reads a source image; a file that cannot be read rejects its sample rather than ending the export.</summary>
    public static T Read<T>(string path, Func<string, T> read)
    {
        try { return read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordException(ImagePlacer.UnreadableRule, $"image file {path} cannot be read: {e.Message}");
        }
    }
}

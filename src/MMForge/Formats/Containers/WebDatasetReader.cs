using System.Formats.Tar;

namespace MMForge.Formats.Containers;

/// <summary>The members of one WebDataset key as read from a tar, or why the key cannot be read.</summary>
internal sealed class WebDatasetKey(string key, long offset)
{
    public string Key { get; } = key;

    /// <summary>Offset of the first member's data in the uncompressed tar.</summary>
    public long Offset { get; } = offset;

    /// <summary>One past the last member's data.</summary>
    public long End { get; set; } = offset;

    public byte[]? Json { get; set; }
    public byte[]? Caption { get; set; }
    public string? CaptionMember { get; set; }
    public List<Attachment> Images { get; } = [];

    /// <summary>The first problem found in a member of this key; the remaining members are skipped unread.</summary>
    public RecordError? Error { get; set; }
}

/// <summary>
/// Reads a tar as WebDataset keys, streaming: one key's members are held at a time, member data
/// is read only for record, caption and image members, and a member over the size limit is
/// skipped without being buffered. Hostile members (absolute or ".." names, links) and damage
/// to the tar become keys with an error, so they reach the rejects and reading goes on (damage
/// ends the tar, since nothing after it can be trusted).
/// </summary>
internal static class WebDatasetReader
{
    public static IEnumerable<WebDatasetKey> Keys(Stream stream, long maxMemberBytes)
    {
        using var counting = new TarCountingStream(stream);
        using var tar = new TarReader(counting);
        WebDatasetKey? current = null;
        while (true)
        {
            var (entry, damage) = Next(tar);
            if (damage is not null)
            {
                if (current is not null) yield return current;
                yield return new WebDatasetKey($"(tar data at byte {counting.Consumed})", counting.Consumed) { Error = damage };
                yield break;
            }
            if (entry is null) break;
            if (IsSkipped(entry)) continue;
            var (key, extension) = WebDatasetNames.Split(entry.Name);
            if (current is not null && current.Key != key)
            {
                yield return current;
                current = null;
            }
            var dataStart = counting.Consumed;
            current ??= new WebDatasetKey(key, dataStart);
            current.End = dataStart + entry.Length;
            if (Add(current, entry, extension, maxMemberBytes) is { } truncated)
            {
                current.Error = truncated;
                yield return current;
                yield break;
            }
        }
        if (current is not null) yield return current;
    }

    private static (TarEntry? Entry, RecordError? Damage) Next(TarReader tar)
    {
        try
        {
            return (tar.GetNextEntry(copyData: false), null);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return (null, Damaged(e));
        }
    }

    private static bool IsDamage(Exception e) =>
        e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException;

    private static RecordError Damaged(Exception e) =>
        new(RejectRules.BadRecord, $"the tar is damaged or truncated here ({e.Message}); nothing after this point is read");

    /// <summary>Directories and global attribute headers carry no sample data; a directory with a hostile name is still reported.</summary>
    private static bool IsSkipped(TarEntry entry) => entry.EntryType switch
    {
        TarEntryType.Directory => WebDatasetNames.EscapeReason(entry.Name) is null,
        TarEntryType.GlobalExtendedAttributes => true,
        _ => false,
    };

    /// <summary>Adds one member to its key; returns an error only when the tar ends inside the member's data.</summary>
    private static RecordError? Add(WebDatasetKey key, TarEntry entry, string extension, long maxMemberBytes)
    {
        if (key.Error is not null) return null;
        key.Error = Refusal(entry);
        if (key.Error is not null) return null;
        var wanted = WebDatasetNames.IsRecord(extension) || WebDatasetNames.IsImage(extension)
            || (WebDatasetNames.IsCaption(extension) && key.Caption is null);
        if (!wanted) return null; // other members (class labels, other tools' metadata) are not part of the record
        if (entry.Length > maxMemberBytes)
        {
            key.Error = new RecordError(RejectRules.TooLarge,
                $"member '{entry.Name}' of {entry.Length:N0} bytes exceeds the record limit of {maxMemberBytes:N0} bytes; raise --max-record-bytes to read it");
            return null;
        }
        byte[] data;
        try
        {
            data = ReadData(entry);
        }
        catch (Exception e) when (IsDamage(e))
        {
            return Damaged(e);
        }
        if (WebDatasetNames.IsRecord(extension))
        {
            if (key.Json is not null)
                key.Error = new RecordError(RejectRules.BadRecord, $"member '{entry.Name}' is a second .json record for key '{key.Key}'");
            key.Json = data;
        }
        else if (WebDatasetNames.IsImage(extension)) key.Images.Add(new Attachment(entry.Name, data));
        else
        {
            key.Caption = data;
            key.CaptionMember = entry.Name;
        }
        return null;
    }

    /// <summary>Why a member must not be read at all, or null.</summary>
    private static RecordError? Refusal(TarEntry entry)
    {
        if (WebDatasetNames.EscapeReason(entry.Name) is { } reason)
            return new RecordError(RejectRules.TarMemberEscape, $"member '{entry.Name}' {reason}");
        return entry.EntryType switch
        {
            TarEntryType.SymbolicLink or TarEntryType.HardLink =>
                new RecordError(RejectRules.TarMemberEscape, $"member '{entry.Name}' is a link to '{entry.LinkName}'; links are refused"),
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => null,
            var type => new RecordError(RejectRules.BadRecord, $"member '{entry.Name}' is a {type} entry, not a regular file"),
        };
    }

    private static byte[] ReadData(TarEntry entry)
    {
        if (entry.DataStream is null || entry.Length == 0) return [];
        var data = new byte[entry.Length];
        entry.DataStream.ReadExactly(data);
        return data;
    }
}

namespace MMForge.Formats;

/// <summary>Where a record sits in its input: enough to find it again by hand or by tool.</summary>
public sealed record RecordLocation(string File, long? Line, long Offset, long Length, string? Member = null)
{
    public override string ToString() =>
        File + (Member is not null ? $" member {Member}" : Line is not null ? $" line {Line}" : $" offset {Offset}");
}

/// <summary>A file member that travels with a record (WebDataset image members).</summary>
public sealed record Attachment(string Name, byte[] Bytes);

/// <summary>
/// One record as cut out of its container, not yet decoded: the JSON bytes, its location, and
/// any attached members. A container-level problem (record too large, unterminated array) is a
/// RawRecord with <see cref="Error"/> set, so it reaches the rejects like any other bad record.
/// </summary>
public sealed record RawRecord(ReadOnlyMemory<byte> Json, RecordLocation Location)
{
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
    public RecordError? Error { get; init; }

    public static RawRecord Failed(RecordLocation location, RecordError error, ReadOnlyMemory<byte> json = default) =>
        new(json, location) { Error = error };

    /// <summary>Records up to this size are copied into pooled buffers; larger ones get their own array so the pool never holds on to them.</summary>
    private const int MaxPooledBytes = 1 << 20;

    private byte[]? _pooled;

    /// <summary>
    /// A record whose bytes are copied out of a splitter's window. Small records borrow their
    /// buffer from the shared pool: millions of short-lived copies otherwise dominate the
    /// garbage collector's work while batches are in flight.
    /// </summary>
    public static RawRecord Copy(ReadOnlySpan<byte> json, RecordLocation location)
    {
        if (json.Length > MaxPooledBytes) return new RawRecord(json.ToArray(), location);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(buffer);
        return new RawRecord(new ReadOnlyMemory<byte>(buffer, 0, json.Length), location) { _pooled = buffer };
    }

    /// <summary>
    /// Gives a pooled buffer back once nothing will read <see cref="Json"/> again (the record
    /// processor calls this when it has finished with the record). Records that are never
    /// released are simply collected.
    /// </summary>
    public void Release()
    {
        var buffer = Interlocked.Exchange(ref _pooled, null);
        if (buffer is not null) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>Why a record cannot go on: a named rule and a reason a person can act on.</summary>
public sealed record RecordError(string Rule, string Reason);

/// <summary>Thrown by codecs for a record that cannot be decoded; carries the rule name for the rejects file.</summary>
public sealed class RecordException(string rule, string reason) : Exception(reason)
{
    public string Rule { get; } = rule;
    public RecordError ToError() => new(Rule, Message);

    public static RecordException BadField(string field, string expected) =>
        new(RejectRules.BadRecord, $"field '{field}' must be {expected}");
}

/// <summary>Names of the reject rules raised while reading, shared by every reader.</summary>
public static class RejectRules
{
    public const string MalformedJson = "malformed-json";
    public const string InvalidUtf8 = "invalid-utf8";
    public const string BadRecord = "bad-record";
    public const string TooLarge = "record-too-large";
    public const string PathEscape = "path-escape";
    public const string TarMemberEscape = "tar-member-escape";
}

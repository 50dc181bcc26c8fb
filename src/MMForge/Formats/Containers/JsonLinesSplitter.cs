namespace MMForge.Formats.Containers;

/// <summary>
/// Cuts a JSON Lines stream into records, one per non-blank line, without reading it whole.
/// A line longer than the record limit is skipped (not buffered) and reported as too large.
/// </summary>
public static class JsonLinesSplitter
{
    public static IEnumerable<RawRecord> Split(Stream stream, string file, long maxRecordBytes)
    {
        using var window = new StreamWindow(stream);
        long line = 0;
        var scan = 0;
        var tooLong = false;
        long lineOffset = 0; // file offset of the current line's first byte (kept even while skipping it)
        while (true)
        {
            var newline = window.Span(scan, window.End).IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (!tooLong && window.End - window.Start > maxRecordBytes)
                {
                    tooLong = true;
                }
                if (tooLong)
                {
                    window.Skip(window.End); // drop what we have of the oversized line
                    scan = window.End;
                }
                var shift = window.Fill();
                if (shift < 0) break;
                scan -= shift;
                continue;
            }
            var lineEnd = scan + newline;
            line++;
            var record = Emit(window, window.Start, lineEnd, new RecordLocation(file, line, lineOffset, window.OffsetOf(lineEnd) - lineOffset), tooLong, maxRecordBytes);
            tooLong = false;
            window.Start = lineEnd + 1;
            scan = window.Start;
            lineOffset = window.OffsetOf(window.Start);
            if (record is not null) yield return record;
        }
        if (window.End > window.Start || tooLong)
        {
            line++;
            var last = Emit(window, window.Start, window.End, new RecordLocation(file, line, lineOffset, window.OffsetOf(window.End) - lineOffset), tooLong, maxRecordBytes);
            if (last is not null) yield return last;
        }
    }

    private static RawRecord? Emit(StreamWindow window, int from, int to, RecordLocation location, bool tooLong, long max)
    {
        if (tooLong)
            return RawRecord.Failed(location, TooLarge(location.Length, max));
        var span = window.Span(from, to).TrimEnd((byte)'\r');
        var trimmed = span.Trim(" \t"u8);
        if (trimmed.IsEmpty) return null;
        if (trimmed.Length > max) return RawRecord.Failed(location, TooLarge(trimmed.Length, max));
        return RawRecord.Copy(trimmed, location);
    }

    internal static RecordError TooLarge(long length, long max) => new(RejectRules.TooLarge,
        $"record of {length:N0} bytes exceeds the record limit of {max:N0} bytes; raise --max-record-bytes to read it");
}

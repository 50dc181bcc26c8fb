using System.Buffers;

namespace MMForge.Formats.Containers;

/// <summary>
/// Cuts a top-level JSON array into its elements without parsing or holding the whole file:
/// a byte scanner that tracks only nesting depth and string state, so a 1 GB LLaVA file costs
/// one record's worth of memory. Each element is then parsed on its own, so one malformed
/// element is rejected and the rest still load. Structural damage (unclosed array, garbage
/// between elements) ends the file with one reject naming the position.
/// </summary>
public static class JsonArraySplitter
{
    private static readonly SearchValues<byte> Structural = SearchValues.Create("\"{}[]\n"u8);
    private static readonly SearchValues<byte> StringSpecial = SearchValues.Create("\"\\\n"u8);
    private static readonly SearchValues<byte> LiteralEnd = SearchValues.Create(" \t\r\n,]"u8);

    public static IEnumerable<RawRecord> Split(Stream stream, string file, long maxRecordBytes)
    {
        using var window = new StreamWindow(stream);
        var scan = new Scanner(window);
        scan.SkipBom();
        if (scan.NextNonWhitespace() != '[')
        {
            yield return scan.Failure(file, "expected a JSON array ('[') at the start of the file");
            yield break;
        }
        scan.Pos++;
        var first = true;
        while (true)
        {
            var next = scan.NextNonWhitespace();
            if (next == ']')
            {
                if (!first) { yield return scan.Failure(file, "trailing comma before ']'"); }
                break;
            }
            if (next < 0) { yield return scan.Failure(file, "the array is not closed (missing ']')"); yield break; }

            var location = (Line: scan.Line, Offset: window.OffsetOf(scan.Pos));
            var complete = scan.ScanValue(maxRecordBytes);
            var length = window.OffsetOf(scan.Pos) - location.Offset;
            var where = new RecordLocation(file, location.Line, location.Offset, length);
            if (!complete)
            {
                yield return RawRecord.Failed(where, new RecordError(RejectRules.MalformedJson,
                    "the file ends inside this element (truncated file or unbalanced brackets)"));
                yield break;
            }
            yield return scan.Skipping
                ? RawRecord.Failed(where, JsonLinesSplitter.TooLarge(length, maxRecordBytes))
                : RawRecord.Copy(window.Span(window.Start, scan.Pos), where);
            first = false;

            next = scan.NextNonWhitespace();
            if (next == ']') break;
            if (next == ',') { scan.Pos++; continue; }
            yield return scan.Failure(file, next < 0 ? "the array is not closed (missing ']')" : $"expected ',' or ']' but found '{(char)next}'");
            yield break;
        }
        scan.Pos++;
        if (scan.NextNonWhitespace() >= 0)
            yield return scan.Failure(file, "unexpected data after the closing ']'");
    }

    /// <summary>Scanning state that must survive buffer refills: position, line, and whether the current element is being skipped.</summary>
    private sealed class Scanner(StreamWindow window)
    {
        public int Pos;
        public long Line = 1;
        public bool Skipping;

        public RawRecord Failure(string file, string reason) =>
            RawRecord.Failed(new RecordLocation(file, Line, window.OffsetOf(Pos), 0), new RecordError(RejectRules.MalformedJson,
                $"{reason} at line {Line} (byte offset {window.OffsetOf(Pos)})"));

        /// <summary>Makes at least <paramref name="count"/> bytes available from <see cref="Pos"/>; false at end of input.</summary>
        private bool Need(int count)
        {
            while (window.End - Pos < count)
            {
                var shift = window.Fill();
                if (shift < 0) return false;
                Pos -= shift;
            }
            return true;
        }

        public void SkipBom()
        {
            if (Need(3) && window.Buffer.AsSpan(Pos, 3).SequenceEqual("\uFEFF"u8)) Pos += 3;
        }

        /// <summary>Skips whitespace between elements; returns the next byte without consuming it, or -1 at end.</summary>
        public int NextNonWhitespace()
        {
            while (true)
            {
                window.Start = Pos;
                if (!Need(1)) return -1;
                var b = window.Buffer[Pos];
                if (b == '\n') Line++;
                else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return b;
                Pos++;
            }
        }

        /// <summary>
        /// Advances past one JSON value starting at <see cref="Pos"/>; the value's bytes stay
        /// buffered from <c>window.Start</c> unless it outgrows the limit, in which case it is
        /// scanned to its end without being kept and <see cref="Skipping"/> is set.
        /// </summary>
        public bool ScanValue(long maxRecordBytes)
        {
            Skipping = false;
            var start = window.OffsetOf(Pos);
            var first = window.Buffer[Pos];
            var depth = 0;
            var inString = false;
            if (first == '"') { inString = true; Pos++; }
            else if (first is (byte)'{' or (byte)'[') { depth = 1; Pos++; }
            else return ScanLiteral(start, maxRecordBytes);

            while (true)
            {
                if (!Skipping && window.OffsetOf(Pos) - start > maxRecordBytes) Skipping = true;
                if (Skipping) window.Start = Pos;
                if (!Need(1)) return false;
                var span = window.Buffer.AsSpan(Pos, window.End - Pos);
                var i = span.IndexOfAny(inString ? StringSpecial : Structural);
                if (i < 0) { Pos = window.End; continue; }
                Pos += i;
                var b = span[i];
                if (b == '\n') { Line++; Pos++; continue; }
                if (inString)
                {
                    if (b == '\\')
                    {
                        if (!Need(2)) return false;
                        Pos += 2;
                        continue;
                    }
                    Pos++;
                    inString = false;
                    if (depth == 0) return true;
                    continue;
                }
                Pos++;
                switch (b)
                {
                    case (byte)'"': inString = true; break;
                    case (byte)'{' or (byte)'[': depth++; break;
                    default:
                        if (--depth == 0) return true;
                        break;
                }
            }
        }

        private bool ScanLiteral(long start, long maxRecordBytes)
        {
            while (true)
            {
                if (!Need(1)) return true; // a bare literal may end the input; the caller reports the missing ']'
                var span = window.Buffer.AsSpan(Pos, window.End - Pos);
                var i = span.IndexOfAny(LiteralEnd);
                if (i >= 0) { Pos += i; return true; }
                Pos = window.End;
                if (!Skipping && window.OffsetOf(Pos) - start > maxRecordBytes) Skipping = true;
                if (Skipping) window.Start = Pos;
            }
        }
    }
}

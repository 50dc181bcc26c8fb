using System.Text;
using MMForge.Formats;
using MMForge.Formats.Containers;

namespace MMForge.Tests.Pipeline;

public class SplitterTests
{
    private static List<RawRecord> Array(string json, long max = 1 << 20) =>
        JsonArraySplitter.Split(new MemoryStream(Encoding.UTF8.GetBytes(json)), "t.json", max).ToList();

    private static List<RawRecord> Lines(byte[] bytes, long max = 1 << 20) =>
        JsonLinesSplitter.Split(new MemoryStream(bytes), "t.jsonl", max).ToList();

    private static string Text(RawRecord r) => Encoding.UTF8.GetString(r.Json.Span);

    [Fact]
    public void ArrayElementsKeepBracketsAndQuotesInsideStrings()
    {
        var records = Array("\uFEFF [ {\"a\": \"x]}\\\"{[\"},\n{\"b\": [1, {\"c\": 2}]} , 3, \"s\"]\n");
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Equal(["{\"a\": \"x]}\\\"{[\"}", "{\"b\": [1, {\"c\": 2}]}", "3", "\"s\""], records.Select(Text));
        Assert.Equal(2, records[1].Location.Line);
    }

    [Fact]
    public void ArrayElementsLargerThanTheReadBufferAreCutCorrectly()
    {
        // elements straddle the 1 MiB window many times over
        var big = new string('x', 700_000);
        var json = "[" + string.Join(",", Enumerable.Range(0, 6).Select(i => $"{{\"i\":{i},\"s\":\"{big}\\\\\"}}")) + "]";
        var records = Array(json, 4 << 20);
        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal(700_000 + 16, r.Json.Length));
    }

    [Fact]
    public void OversizedArrayElementIsReportedAndTheNextOneStillLoads()
    {
        var json = "[{\"s\":\"" + new string('y', 5000) + "\"},{\"ok\":1}]";
        var records = Array(json, max: 1000);
        Assert.Equal(RejectRules.TooLarge, records[0].Error!.Rule);
        Assert.Equal("{\"ok\":1}", Text(records[1]));
    }

    [Theory]
    [InlineData("[{\"a\":1},]", "trailing comma")]
    [InlineData("[{\"a\":1}", "not closed")]
    [InlineData("[{\"a\":1} x", "expected ',' or ']'")]
    [InlineData("{\"a\":1}", "expected a JSON array")]
    [InlineData("[{\"a\":1}] junk", "after the closing")]
    public void StructuralDamageEndsWithOneRejectNamingThePosition(string json, string expected)
    {
        var failure = Array(json).Last();
        Assert.Contains(expected, failure.Error!.Reason);
        Assert.Contains("line 1", failure.Error.Reason);
    }

    [Fact]
    public void UnterminatedElementIsRejectedNotHung()
    {
        var records = Array("[{\"a\":1},\n{\"b\": [1, 2");
        Assert.Equal("{\"a\":1}", Text(records[0]));
        Assert.Equal(RejectRules.MalformedJson, records[1].Error!.Rule);
        Assert.Equal(2, records[1].Location.Line);
    }

    [Fact]
    public void JsonLinesSkipBlankLinesAndCountLines()
    {
        var records = Lines(Encoding.UTF8.GetBytes("{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}"));
        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"], records.Select(Text));
        Assert.Equal([1L, 4L, 5L], records.Select(r => r.Location.Line!.Value));
    }

    [Fact]
    public void OverlongLineIsSkippedWithoutBufferingAndLaterLinesLoad()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"s\":\"" + new string('z', 3_000_000) + "\"}\n{\"c\":3}\n");
        var records = Lines(bytes, max: 100_000);
        Assert.Equal(3, records.Count);
        Assert.Equal(RejectRules.TooLarge, records[1].Error!.Rule);
        Assert.Equal(2, records[1].Location.Line);
        Assert.Equal(8, records[1].Location.Offset);
        Assert.Equal("{\"c\":3}", Text(records[2]));
    }
}

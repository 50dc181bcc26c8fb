using System.Text.Json;

namespace MMForge.Formats;

/// <summary>Turns System.Text.Json's parse errors into messages for people.</summary>
public static class JsonErrors
{
    /// <summary>
    /// The parser's first sentence ("'}' is invalid after a property name", "...contains a
    /// trailing comma..."), without its 0-based position suffix and its advice to change reader
    /// options, which mean nothing to someone fixing a data file.
    /// </summary>
    public static string Reason(JsonException e)
    {
        var message = e.Message;
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    /// <summary>"line L, byte B" (both 1-based) of an error in text whose first line is <paramref name="firstLine"/>.</summary>
    public static string Position(JsonException e, long firstLine = 1) =>
        $"line {firstLine + (e.LineNumber ?? 0)}, byte {(e.BytePositionInLine ?? 0) + 1}";
}

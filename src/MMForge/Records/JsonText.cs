using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MMForge.Records;

/// <summary>The JSON writing conventions shared by every writer: compact, UTF-8, non-ASCII kept readable.</summary>
public static class JsonText
{
    /// <summary>
    /// Writer options: non-ASCII text (Chinese captions, emoji) is written as UTF-8 rather than
    /// \u escapes, which keeps files readable and small; quotes and control characters are still escaped.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    /// <summary>Document options for reading records: strict JSON (no comments, no trailing commas), deep enough for real data.</summary>
    /// <summary>Writes one object that <paramref name="body"/> fills as one line of a JSON Lines <paramref name="stream"/> that <paramref name="writer"/> writes to.</summary>
    public static void WriteLine(Utf8JsonWriter writer, Stream stream, Action<Utf8JsonWriter> body)
    {
        writer.WriteStartObject();
        body(writer);
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset(); // one JSON document per line
        stream.WriteByte((byte)'\n');
    }

    public static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 256 };

    /// <summary>A JSON value re-serialised without insignificant whitespace.</summary>
    public static string Compact(JsonElement value) => Write(value.WriteTo);

    /// <summary>Serialises one value with the shared conventions, as UTF-8 bytes. Not re-entrant: <paramref name="write"/> must not call it.</summary>
    public static byte[] Utf8(Action<Utf8JsonWriter> write) => EncodeOnThisThread(write).ToArray();

    /// <summary>Encodings up to this size are returned in pooled arrays (see <see cref="Utf8Pooled"/>).</summary>
    public const int MaxPooledBytes = 1 << 20;

    /// <summary>
    /// Like <see cref="Utf8"/>, but the bytes are in an array from <see cref="ArrayPool{T}.Shared"/>
    /// when they fit <see cref="MaxPooledBytes"/>; give it back with <see cref="ReturnPooled"/>
    /// once written. For the record stream, where millions of short-lived copies otherwise keep
    /// the garbage collector busy.
    /// </summary>
    public static ArraySegment<byte> Utf8Pooled(Action<Utf8JsonWriter> write)
    {
        var written = EncodeOnThisThread(write);
        var array = written.Length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(written.Length) : new byte[written.Length];
        written.CopyTo(array);
        return new ArraySegment<byte>(array, 0, written.Length);
    }

    /// <summary>Returns an array from <see cref="Utf8Pooled"/> to the pool (larger, unpooled arrays are left to the collector).</summary>
    public static void ReturnPooled(ArraySegment<byte> bytes)
    {
        if (bytes.Array is { Length: <= MaxPooledBytes } array) ArrayPool<byte>.Shared.Return(array);
    }

    /// <summary>
    /// Encodes into this thread's reused buffer and writer (encoding is on the hot path of every
    /// stage); the bytes are valid until the next call on the same thread.
    /// </summary>
    private static ReadOnlySpan<byte> EncodeOnThisThread(Action<Utf8JsonWriter> write)
    {
        var state = t_encoder ??= new ThreadEncoder();
        state.Buffer.ResetWrittenCount();
        state.Writer.Reset(state.Buffer);
        write(state.Writer);
        state.Writer.Flush();
        return state.Buffer.WrittenSpan;
    }

    [ThreadStatic] private static ThreadEncoder? t_encoder;

    private sealed class ThreadEncoder
    {
        public readonly ArrayBufferWriter<byte> Buffer = new(64 * 1024);
        public readonly Utf8JsonWriter Writer;
        public ThreadEncoder() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);
    }

    /// <summary>Serialises one value with the shared conventions.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

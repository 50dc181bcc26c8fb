using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>Writes samples to one output in one external format. <see cref="Complete"/> makes the output final; disposing without it leaves no partial file behind.</summary>
public interface ISampleWriter : IDisposable
{
    /// <summary>Why the output format cannot carry this sample (it would be written without its content), or null when it can.</summary>
    string? CannotWrite(Sample sample) => null;

    /// <summary>Work before <see cref="Write"/> that may run on worker threads, in parallel: must be thread-safe. Throws a <see cref="RecordException"/> to refuse the sample.</summary>
    void Prepare(Sample sample) { }

    void Write(Sample sample);

    /// <summary>
    /// Encodes a sample's record ahead of writing, on worker threads and in parallel (so it must be
    /// thread-safe), into bytes from <see cref="JsonText.Utf8Pooled"/> that the caller hands to
    /// <see cref="WriteEncoded"/> in order and then returns; null when this writer encodes as it writes.
    /// </summary>
    Func<Sample, ArraySegment<byte>>? Encoder => null;

    /// <summary>Writes a record made by <see cref="Encoder"/>, as <see cref="Write"/> would have written its sample.</summary>
    void WriteEncoded(ReadOnlySpan<byte> record) => throw new NotSupportedException($"{GetType().Name} encodes as it writes");

    /// <summary>Finishes the output (closing brackets, indexes) and moves it into place atomically.</summary>
    void Complete();
}

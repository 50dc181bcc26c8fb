using MMForge.Records;

namespace MMForge.Formats.Writers;

/// <summary>Writes samples to one output in one external format. <see cref="Complete"/> makes the output final; disposing without it leaves no partial file behind.</summary>
public interface ISampleWriter : IDisposable
{
    /// <summary>Why the output format cannot carry this sample (it would be written without its content), or null when it can.</summary>
    string? CannotWrite(Sample sample) => null;

    void Write(Sample sample);

    /// <summary>Finishes the output (closing brackets, indexes) and moves it into place atomically.</summary>
    void Complete();
}

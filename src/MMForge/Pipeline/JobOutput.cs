using MMForge.Formats.Codecs;
using MMForge.Formats.Writers;
using MMForge.Records;

namespace MMForge.Pipeline;

/// <summary>Where a job's kept records and rejects go: a dataset directory, or a file in an external format.</summary>
public interface IJobOutput : IDisposable
{
    /// <summary>An encoder run on worker threads, or null when the output encodes as it writes.</summary>
    Func<Sample, ArraySegment<byte>>? Encoder { get; }

    /// <summary>Why this output cannot hold the sample without losing it (such samples are rejected), or null.</summary>
    string? CannotWrite(Sample sample) => null;

    /// <summary>
    /// Work on a kept sample that the output needs done before writing it, run on the worker
    /// threads (so in parallel, in no particular order) after <see cref="CannotWrite"/> and the
    /// export paths: an export places the sample's images here. Throws a
    /// <see cref="RecordException"/> to reject the sample before anything of it is written.
    /// </summary>
    void Prepare(Sample sample) { }

    void Write(ProcessedRecord record);
    void WriteReject(byte[] line);

    /// <summary>Makes the output final with the run's manifest.</summary>
    void Complete(Manifest manifest);
}

/// <summary>Output into an mmforge dataset directory; records are encoded on the workers.</summary>
public sealed class DatasetOutput(string dir, DatasetWriterOptions options) : IJobOutput
{
    private readonly DatasetWriter _writer = new(dir, options);

    public Func<Sample, ArraySegment<byte>>? Encoder { get; } = sample => JsonText.Utf8Pooled(w => MMForgeCodec.Instance.Encode(w, sample));

    public void Write(ProcessedRecord record)
    {
        var encoded = record.Encoded!.Value;
        _writer.WriteRecord(encoded);
        JsonText.ReturnPooled(encoded);
    }
    public void WriteReject(byte[] line) => _writer.WriteReject(line);

    private readonly List<(string Name, Action<Stream> Write)> _filesAtCompletion = [];

    /// <inheritdoc cref="DatasetWriter.CreateFile"/>
    public FileStream CreateFile(string name) => _writer.CreateFile(name);

    /// <summary>
    /// A file beside the shards whose content is only known once every record has gone through
    /// (a stage's statistics); it is written just before the dataset moves into place.
    /// </summary>
    public void WriteFileAtCompletion(string name, Action<Stream> write) => _filesAtCompletion.Add((name, write));

    public void Complete(Manifest manifest)
    {
        foreach (var (name, write) in _filesAtCompletion)
            using (var file = CreateFile(name)) write(file);
        _writer.Complete(manifest);
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>
/// Output into one file of an external format (convert, export). Rejects go to
/// <paramref name="rejectsPath"/> (by default <c>OUTPUT.rejects.jsonl</c> beside it), created only when there are any.
/// </summary>
public sealed class FileOutput(string path, ISampleWriter writer, string? rejectsPath = null) : IJobOutput
{
    private AtomicFile? _rejects;

    public string RejectsPath { get; } = rejectsPath ?? path + ".rejects.jsonl";
    public Func<Sample, ArraySegment<byte>>? Encoder => writer.Encoder;

    public string? CannotWrite(Sample sample) => writer.CannotWrite(sample);

    public void Prepare(Sample sample) => writer.Prepare(sample);

    public void Write(ProcessedRecord record)
    {
        if (record.Encoded is not { } encoded)
        {
            writer.Write(record.Sample!);
            return;
        }
        writer.WriteEncoded(encoded);
        JsonText.ReturnPooled(encoded);
    }

    public void WriteReject(byte[] line)
    {
        _rejects ??= new AtomicFile(RejectsPath);
        _rejects.Stream.Write(line);
        _rejects.Stream.WriteByte((byte)'\n');
    }

    public void Complete(Manifest manifest)
    {
        writer.Complete();
        _rejects?.Commit();
        if (_rejects is null && File.Exists(RejectsPath)) File.Delete(RejectsPath); // a stale file from an earlier run would mislead
    }

    public void Dispose()
    {
        writer.Dispose();
        _rejects?.Dispose();
    }
}

using MMForge.Formats.Writers;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>
/// A trainer format's records writer with the export's checks in front: samples the trainer
/// cannot take are refused (they become rejects), and each sample's images are placed before it
/// is written, so a sample whose image cannot be placed is refused before anything of it is
/// written. Placing runs on the job's worker threads (<see cref="Prepare"/>), after the trainer's
/// check, so N workers read, hash and copy N images at a time and a refused sample's images are
/// not copied; so does encoding the record, where the records writer can encode ahead
/// (<see cref="Encoder"/>). Embedding alone waits for the writing thread.
/// </summary>
internal sealed class ExportWriter(ISampleWriter records, TrainerFormat format, ImagePlacer images) : ISampleWriter
{
    /// <summary>The trainer's rules rather than the inner writer's: a tar writer's objection to mixed embedded and path images does not apply once images are placed.</summary>
    public string? CannotWrite(Sample sample) => format.CannotWrite(sample);

    /// <summary>
    /// Embedding reads every image into its record: done as the writer goes, one sample's images
    /// are in memory at a time rather than those of every batch in flight.
    /// </summary>
    private bool PlacesWhenWriting => images.Mode == ImageMode.Embed;

    public void Prepare(Sample sample)
    {
        if (!PlacesWhenWriting) Place(sample);
    }

    public void Write(Sample sample)
    {
        if (PlacesWhenWriting) Place(sample);
        records.Write(sample);
    }

    /// <summary>The records writer's encoder, run on the workers after <see cref="Prepare"/>: the record it encodes has its placed images.</summary>
    public Func<Sample, ArraySegment<byte>>? Encoder => PlacesWhenWriting ? null : records.Encoder;

    public void WriteEncoded(ReadOnlySpan<byte> record) => records.WriteEncoded(record);

    private void Place(Sample sample)
    {
        var placed = images.Place(sample.Images);
        sample.Images.Clear();
        sample.Images.AddRange(placed);
    }

    public void Complete() => records.Complete();

    public void Dispose() => records.Dispose();
}

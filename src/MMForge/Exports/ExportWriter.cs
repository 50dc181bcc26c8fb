using MMForge.Formats.Writers;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>
/// A trainer format's records writer with the export's checks in front: samples the trainer
/// cannot take are refused (they become rejects), and each written sample's images are placed
/// first, so a sample whose image cannot be placed is refused before anything of it is written.
/// </summary>
internal sealed class ExportWriter(ISampleWriter records, TrainerFormat format, ImagePlacer images) : ISampleWriter
{
    /// <summary>The trainer's rules rather than the inner writer's: a tar writer's objection to mixed embedded and path images does not apply once images are placed.</summary>
    public string? CannotWrite(Sample sample) => format.CannotWrite(sample);

    public void Write(Sample sample)
    {
        var placed = images.Place(sample.Images);
        sample.Images.Clear();
        sample.Images.AddRange(placed);
        records.Write(sample);
    }

    public void Complete() => records.Complete();

    public void Dispose() => records.Dispose();
}

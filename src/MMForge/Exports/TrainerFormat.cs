using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>One dataset (or stage mix) as exported: its name, its records file relative to the export root, and how many records it holds.</summary>
public sealed record ExportedPart(string Name, string RecordsFile, long Records);

/// <summary>A trainer's meta file, relative to the export root, and its text.</summary>
public sealed record MetaFile(string File, string Text);

/// <summary>
/// A trainer's layout: the record format and file its training script reads, the conversation
/// shape it accepts, and the meta files that point it at the records. Every record's image paths
/// are relative to the export root (see docs/exports.md). Meta files name other files through
/// <c>metaPath</c>, which writes them relative to the export root or absolute.
/// </summary>
public abstract class TrainerFormat(string name, string description, string codecName, TurnShape shape, string recordsSuffix)
{
    /// <summary>The name given to <c>--to</c>.</summary>
    public string Name => name;

    /// <summary>One line for <c>--help</c>.</summary>
    public string Description => description;

    /// <summary>The records file of a part, relative to the export root.</summary>
    public string RecordsFile(string partName) => partName + recordsSuffix;

    /// <summary>True when the images travel inside the records files (tar members) and <c>--images</c> does not apply.</summary>
    public virtual bool EmbedsImages => false;

    /// <summary>Why the trainer cannot take this sample, or null. Thread-safe: workers call it.</summary>
    public string? CannotWrite(Sample sample) => FormatRegistry.Default.Codec(codecName).CannotWrite(sample) ?? shape.Problem(sample);

    /// <summary>The writer of one part's records file.</summary>
    public ISampleWriter OpenWriter(string fullPath) => SampleWriters.Open(fullPath, codecName, FormatRegistry.Default);

    /// <summary>The meta files for the exported parts (none for formats without one).</summary>
    public virtual IEnumerable<MetaFile> MetaFiles(IReadOnlyList<ExportedPart> parts, Func<string, string> metaPath) => [];

    public static IReadOnlyList<TrainerFormat> All { get; } =
        [new LlavaOneVisionExport(), new LlamaFactoryExport(), new InternVlExport(), new InfinityMmExport(), new InfinityMmWebDatasetExport()];

    public static TrainerFormat Find(string name) =>
        All.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown export format '{name}'; known: {string.Join(", ", All.Select(f => f.Name))}");
}

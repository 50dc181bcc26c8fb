namespace MMForge.Records;

/// <summary>Where a sample was read from, and which stages have processed it since.</summary>
public sealed class Provenance
{
    /// <summary>Input file, as given on the command line.</summary>
    public string? File { get; set; }

    /// <summary>1-based line of the record's first byte in <see cref="File"/> (text formats).</summary>
    public long? Line { get; set; }

    /// <summary>Tar member (WebDataset key) the record came from.</summary>
    public string? Member { get; set; }

    /// <summary>Names of the stages applied, in order, with what each changed (e.g. "validate:repaired image token").</summary>
    public List<string> Stages { get; } = [];
}

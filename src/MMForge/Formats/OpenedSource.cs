namespace MMForge.Formats;

/// <summary>
/// One stream of records ready to decode: what a reader makes of an input path. A plain file
/// opens as one source; a meta file (InternVL meta, LLaMA-Factory dataset_info.json) opens as
/// one source per dataset it lists.
/// </summary>
public sealed record OpenedSource(string Name, IRecordCodec Codec, IEnumerable<RawRecord> Records)
{
    /// <summary>Directory image paths of this source are relative to; null when unknown.</summary>
    public string? ImageRoot { get; init; }

    /// <summary>The file records are read from (for the manifest).</summary>
    public string? File { get; init; }

    /// <summary>Container the records came in: "json", "jsonl", "tar", "document".</summary>
    public string Container { get; init; } = "jsonl";

    /// <summary>The manifest when the source is an mmforge dataset directory (its image roots and stage history carry over).</summary>
    public Pipeline.Manifest? DatasetManifest { get; init; }

    /// <summary>Settings the source file declared (InternVL repeat_time, length...), kept for the manifest.</summary>
    public IReadOnlyDictionary<string, string> Info { get; init; } = new Dictionary<string, string>();
}

/// <summary>What the user said about an input on the command line.</summary>
public sealed record SourceRequest(string Path)
{
    /// <summary>Codec or document format name from --format; null = detect from content.</summary>
    public string? Format { get; init; }

    /// <summary>Source name from --source; default: the file name without extension.</summary>
    public string? SourceName { get; init; }

    /// <summary>Image root from --image-root; default: the input file's directory.</summary>
    public string? ImageRoot { get; init; }

    /// <summary>Directory that relative paths inside meta files are resolved against (InternVL resolves them against the working directory).</summary>
    public string? BaseDir { get; init; }

    public long MaxRecordBytes { get; init; } = 64L << 20;
}

/// <summary>
/// A whole-file JSON document that is not itself a list of records (COCO annotations, InternVL
/// meta files, LLaMA-Factory dataset_info.json): recognised from the document, expanded into sources.
/// </summary>
public interface IDocumentFormat
{
    string Name { get; }
    string Description { get; }

    /// <summary>How strongly the top-level object looks like this document; 0 = not this one.</summary>
    int Match(System.Text.Json.JsonElement document);

    IEnumerable<OpenedSource> Open(System.Text.Json.JsonElement document, SourceRequest request, FormatRegistry registry);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace MMForge.Recipes;

/// <summary>What a stage of a recipe leaves in its output folder, so readers (report, export) know how to open it.</summary>
public enum StageOutputKind
{
    /// <summary>An mmforge dataset directory (manifest.json, shards, rejects).</summary>
    Dataset,
    /// <summary>A selection: mixes.json and one dataset directory per stage mix (<see cref="Selection.MixDirectory"/>).</summary>
    Mixes,
    /// <summary>Files that are not a dataset: a fitted model, trainer exports, the report.</summary>
    Files,
}

/// <summary>One stage of a run as <c>run.json</c> records it.</summary>
public sealed class RunStage
{
    /// <summary>The stage's name in the recipe (unique within it), e.g. "dedup" or "synthesize-grounded".</summary>
    public string Name { get; set; } = "";

    /// <summary>The mmforge command that ran it, e.g. "dedup", "map fit", "select".</summary>
    public string Command { get; set; } = "";

    [JsonConverter(typeof(JsonStringEnumConverter<StageOutputKind>))]
    public StageOutputKind Kind { get; set; }

    /// <summary>Output folder (or file), relative to the run directory.</summary>
    public string Output { get; set; } = "";

    /// <summary>Names of the stages whose outputs it read, in order.</summary>
    public List<string> Inputs { get; set; } = [];

    /// <summary>Hash of its command line, the content of the files it names and its inputs' fingerprints: equal means nothing to redo.</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>Wall time of the last time it actually ran, in seconds.</summary>
    public double Seconds { get; set; }

    /// <summary>Peak resident memory (VmHWM) of the stage's own process, in bytes; 0 when it ended before the first poll.</summary>
    public long PeakMemoryBytes { get; set; }
}

/// <summary>
/// <c>run.json</c> in a run directory: the stages of the recipe in the order they ran, each with
/// its output and fingerprint. Rewritten after every stage, so a crash leaves the finished ones.
/// </summary>
public sealed class RunFile
{
    public const string FileName = "run.json";
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    /// <summary>The recipe file, as given on the command line.</summary>
    public string Recipe { get; set; } = "";

    public List<RunStage> Stages { get; set; } = [];

    public static bool IsRun(string dir) => File.Exists(Path.Combine(dir, FileName));

    public static RunFile Load(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        try
        {
            return JsonSerializer.Deserialize<RunFile>(File.ReadAllText(path), Pipeline.StateFileJson.Options) ?? throw new FormatException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: invalid run file: {e.Message}", e);
        }
    }

    public void Save(string runDir) =>
        Formats.Writers.AtomicFile.WriteAllText(Path.Combine(runDir, FileName), JsonSerializer.Serialize(this, Pipeline.StateFileJson.Options) + "\n");
}

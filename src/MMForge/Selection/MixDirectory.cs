using System.Text.Json;

namespace MMForge.Selection;

/// <summary>One stage mix of a selection: a dataset directory inside the mix directory and what it holds.</summary>
public sealed class MixInfo
{
    /// <summary>The training stage it is for, e.g. "stage-1", "stage-2a"; also the folder name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its dataset directory, relative to the mix directory.</summary>
    public string Dir { get; set; } = "";

    public long Records { get; set; }

    /// <summary>Visual tokens of all its samples under the mix's image budget.</summary>
    public long VisualTokens { get; set; }

    /// <summary>Largest AnyRes grid side the mix allows (1 = one base view, 2 = 2x2, ...), when it sets one.</summary>
    public int? MaxGrid { get; set; }

    /// <summary>Kept records per sample source.</summary>
    public SortedDictionary<string, long> RecordsBySource { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Views of 729 tokens an image may cost under <see cref="MaxGrid"/>, when the mix sets a grid.</summary>
    public int? MaxViews { get; set; }

    /// <summary>The mix's visual-token budget, when it has one.</summary>
    public long? MaxVisualTokens { get; set; }

    /// <summary>
    /// Decoded input samples not in this mix, by why: the balanced selection's reasons
    /// (group-not-in-target, over-group-quota, yes-no-balance) and the mix's own
    /// (source-not-in-mix, not-sampled, over-token-budget). Not errors, so not in the rejects.
    /// </summary>
    public SortedDictionary<string, long> UnselectedByReason { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// What <c>mmforge select</c> writes: <c>mixes.json</c> listing the stage mixes, and one ordinary
/// dataset directory per mix beside it. Exports and the report open it through this type.
/// </summary>
public sealed class MixDirectory
{
    public const string FileName = "mixes.json";
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    public List<MixInfo> Mixes { get; set; } = [];

    public static bool IsMixDirectory(string dir) => File.Exists(Path.Combine(dir, FileName));

    public static MixDirectory Load(string dir)
    {
        var path = Path.Combine(dir, FileName);
        try
        {
            var mixes = JsonSerializer.Deserialize<MixDirectory>(File.ReadAllText(path), Pipeline.StateFileJson.Options) ?? throw new FormatException($"{path} is empty");
            foreach (var mix in mixes.Mixes)
                if (mix.Dir.Contains("..") || Path.IsPathRooted(mix.Dir))
                    throw new FormatException($"{path}: mix {mix.Name} points outside the mix directory: {mix.Dir}");
            return mixes;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: invalid mix file: {e.Message}", e);
        }
    }

    /// <summary>The dataset directory of <paramref name="mix"/>, inside <paramref name="dir"/>.</summary>
    public static string DatasetOf(string dir, MixInfo mix) => Path.Combine(dir, mix.Dir);

    /// <summary>Written last, after every mix's dataset is complete, so its presence marks a complete selection.</summary>
    public void Save(string dir) =>
        Formats.Writers.AtomicFile.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Pipeline.StateFileJson.Options) + "\n");
}

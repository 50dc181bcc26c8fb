using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MMForge.Exports;

/// <summary>
/// LLaVA-OneVision (LLaVA-NeXT's train.py): a JSON array of LLaVA records per part and a data YAML
/// per part, <c>datasets: [{json_path, sampling_strategy: all}]</c> (the selection has already
/// sampled), given to <c>--data_path</c>; images are relative to the export root, given as
/// <c>--image_folder</c>. The script assigns its own system prompt and maps only human/gpt
/// turns, so a system turn is rejected.
/// </summary>
public sealed class LlavaOneVisionExport() : TrainerFormat("llava-onevision", "llava-onevision = NAME.json (LLaVA records) + NAME.yaml, train with --data_path OUT/NAME.yaml --image_folder OUT",
    "llava", new TurnShape(), ".json")
{
    public override IEnumerable<MetaFile> MetaFiles(IReadOnlyList<ExportedPart> parts, Func<string, string> metaPath) =>
        parts.Select(p => new MetaFile(p.Name + ".yaml", Yaml.Serialize(new DataYaml { Datasets = [new() { JsonPath = metaPath(p.RecordsFile) }] })));

    private static readonly ISerializer Yaml = new SerializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    private sealed class DataYaml
    {
        public List<DataYamlEntry> Datasets { get; init; } = [];
    }

    private sealed class DataYamlEntry
    {
        public string JsonPath { get; init; } = "";
        public string SamplingStrategy { get; init; } = "all";
    }
}

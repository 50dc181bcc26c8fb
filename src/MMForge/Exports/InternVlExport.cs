using System.Text.Json.Nodes;

namespace MMForge.Exports;

/// <summary>
/// InternVL chat fine-tuning: a JSON Lines annotation file per part and a meta file per part,
/// <c>{NAME: {root, annotation, data_augment: false, repeat_time: 1, length}}</c>, given to
/// <c>--meta_path</c>. The root is the export root, so image paths read as written. A leading
/// system turn is kept (InternVL's preprocessing reads one).
/// </summary>
public sealed class InternVlExport() : TrainerFormat("internvl", "internvl = NAME.jsonl + NAME_meta.json (root OUT), train with --meta_path OUT/NAME_meta.json",
    "internvl", new TurnShape { SystemTurn = true }, ".jsonl")
{
    public static string MetaFileOf(string partName) => partName + "_meta.json";

    public override IEnumerable<MetaFile> MetaFiles(IReadOnlyList<ExportedPart> parts, Func<string, string> metaPath) =>
        parts.Select(part =>
        {
            var meta = new JsonObject
            {
                [part.Name] = new JsonObject
                {
                    ["root"] = metaPath("."),
                    ["annotation"] = metaPath(part.RecordsFile),
                    ["data_augment"] = false,
                    ["repeat_time"] = 1,
                    ["length"] = part.Records,
                },
            };
            return new MetaFile(MetaFileOf(part.Name), meta.ToJsonString(Pipeline.StateFileJson.Options) + "\n");
        });
}

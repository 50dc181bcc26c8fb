using System.Text.Json.Nodes;
using MMForge.Records;

namespace MMForge.Exports;

/// <summary>
/// LLaMA-Factory (data/README.md): a sharegpt JSON array per part and one <c>dataset_info.json</c>
/// listing every part; the export root is the <c>dataset_dir</c>, which is also where
/// LLaMA-Factory resolves image paths (<c>media_dir</c> defaults to it). <c>images</c> is a list
/// with one path per <c>&lt;image&gt;</c> token (absent for text-only samples); a leading
/// system turn becomes the <c>system</c> column; observation/function_call may take the user
/// and assistant places, as LLaMA-Factory's sharegpt converter allows.
/// </summary>
public sealed class LlamaFactoryExport() : TrainerFormat("llama-factory", "llama-factory = NAME.json (sharegpt) + dataset_info.json, train with dataset_dir OUT, dataset NAME",
    "sharegpt", new TurnShape { SystemTurn = true, ToolTurns = true }, ".json")
{
    public const string DatasetInfoFile = "dataset_info.json";


    /// <summary>
    /// file_name stays relative even with absolute meta paths: LLaMA-Factory joins it to
    /// dataset_dir, and a dataset_info.json is only ever read from its own folder.
    /// </summary>
    public override IEnumerable<MetaFile> MetaFiles(IReadOnlyList<ExportedPart> parts, Func<string, string> metaPath)
    {
        var info = new JsonObject();
        foreach (var part in parts)
            info[part.Name] = new JsonObject
            {
                ["file_name"] = part.RecordsFile,
                ["formatting"] = "sharegpt",
                ["columns"] = new JsonObject { ["messages"] = "conversations", ["system"] = "system", ["images"] = "images" },
                ["tags"] = new JsonObject
                {
                    ["role_tag"] = "from", ["content_tag"] = "value", ["user_tag"] = Roles.Human, ["assistant_tag"] = Roles.Gpt,
                    ["observation_tag"] = "observation", ["function_tag"] = "function_call", ["system_tag"] = Roles.System,
                },
            };
        yield return new MetaFile(DatasetInfoFile, info.ToJsonString(Pipeline.StateFileJson.Options) + "\n");
    }
}

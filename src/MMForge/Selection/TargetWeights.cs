using YamlDotNet.RepresentationModel;
using static MMForge.Selection.YamlInput;

namespace MMForge.Selection;

/// <summary>
/// A target distribution file for the balanced selection: a YAML or JSON mapping of group name
/// to weight (<c>Reasoning: 3</c>), weights of any scale; groups it does not name get nothing.
/// </summary>
public static class TargetWeights
{
    public static Dictionary<string, double> Load(string path) => Parse(File.ReadAllText(path), path);

    public static Dictionary<string, double> Parse(string text, string file)
    {
        if (Root(text, file) is not YamlMappingNode { Children.Count: > 0 } mapping)
            throw new FormatException($"{file}: a target file is a mapping of group name to weight, e.g. \"Perception: 2\"");
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        // YamlDotNet refuses a key listed twice, with its line
        foreach (var (keyNode, value) in mapping.Children)
        {
            var group = Scalar(keyNode, file, "group");
            weights[group] = Number(value, file, group);
        }
        if (weights.Values.All(w => w == 0)) throw new FormatException($"{file}: every weight is 0, so nothing would be selected");
        return weights;
    }
}

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MMForge.Selection;

/// <summary>Reading the user's YAML/JSON files (mix files, target weights) with every error naming the file and the line.</summary>
internal static class YamlInput
{
    public static YamlNode Root(string text, string file)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode : throw new FormatException($"{file}: the file is empty");
        }
        catch (YamlException e)
        {
            throw new FormatException($"{file}:{e.Start.Line}: not valid YAML/JSON: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    public static string Scalar(YamlNode node, string file, string key) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(file, node, $"{key}: expected a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");

    public static long Integer(YamlNode node, string file, string key)
    {
        var text = Scalar(node, file, key);
        return long.TryParse(text.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(file, node, $"{key}: expected a whole number of 0 or more, not '{text}'");
    }

    public static double Number(YamlNode node, string file, string key)
    {
        var text = Scalar(node, file, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= 0
            ? value
            : throw Error(file, node, $"{key}: expected a number of 0 or more, not '{text}'");
    }

    public static int Line(YamlNode node) => (int)node.Start.Line;

    public static FormatException Error(string file, YamlNode node, string message) => new($"{file}:{Line(node)}: {message}");
}

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// Builds YAML node trees. Every string is double-quoted so that no value (a stage called "yes", a
/// path "0123", a newline) is read back as another type or another structure; integers are plain.
/// </summary>
internal static class YamlNodes
{
    public static YamlScalarNode Text(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    public static YamlScalarNode Number(long value) => new(value.ToString(CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain };

    public static YamlSequenceNode List(IEnumerable<YamlNode> items) => new(items);

    public static YamlSequenceNode Texts(IEnumerable<string> items) => new(items.Select(Text));

    /// <summary>A mapping of the entries whose value is not null, in the order given.</summary>
    public static YamlMappingNode Map(params (string Key, YamlNode? Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
            if (value is not null) map.Add(new YamlScalarNode(key), value);
        return map;
    }

    /// <summary>A mapping of user text to user text (labels): keys quoted too, a label "true" stays a string.</summary>
    public static YamlMappingNode Map(IEnumerable<KeyValuePair<string, string>> entries) =>
        new(entries.Select(e => new KeyValuePair<YamlNode, YamlNode>(Text(e.Key), Text(e.Value))));

    /// <summary>One YAML document without the explicit "..." end marker YamlStream.Save writes.</summary>
    public static string Document(YamlNode root)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Serializer.Serialize(writer, root);
        return writer.ToString();
    }

    private static readonly ISerializer Serializer = new SerializerBuilder().Build();
}

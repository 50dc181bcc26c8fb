using System.Text;
using MMForge.Formats;

namespace MMForge.Pipeline;

/// <summary>
/// One part of a stage's input, <c>--shard INDEX/COUNT</c>: the records whose location (file name
/// and position, <see cref="RecordLocation.PortableKey"/>) hashes to INDEX modulo COUNT. The
/// partition depends on the input alone, never on timing or on how a scheduler splits work, so a
/// relaunched shard processes exactly the records it did before.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>The folder of a shard's dataset inside the stage's output folder.</summary>
    public const string Folder = "shards";

    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var index) || !int.TryParse(parts[1], out var count) || count < 1 || index < 0 || index >= count)
            throw new ArgumentException($"--shard {text}: expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4");
        return new ShardSpec(index, count);
    }

    public bool Owns(RecordLocation location) => Fnv1a(location.PortableKey) % (ulong)Count == (ulong)Index;

    /// <summary>Where this shard's dataset goes inside the stage's output folder <paramref name="stageOutput"/>.</summary>
    public string Directory(string stageOutput) => Path.Combine(stageOutput, Folder, Name);

    /// <summary>The shard's folder name; fixed-width numbers keep shards in order when listed.</summary>
    public string Name => $"{Index:D5}-of-{Count:D5}";

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>FNV-1a over the key's UTF-8 bytes: stable across processes and machines, unlike string.GetHashCode.</summary>
    private static ulong Fnv1a(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key)) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}

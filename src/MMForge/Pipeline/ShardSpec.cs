using System.Text.RegularExpressions;
using MMForge.Filters;
using MMForge.Formats;

namespace MMForge.Pipeline;

/// <summary>
/// One part of a stage's input, <c>--shard INDEX/COUNT</c>: the records whose location (file name
/// and position, <see cref="RecordLocation.PortableKey"/>) hashes to INDEX modulo COUNT. The
/// partition depends on the input alone, never on timing or on how a scheduler splits work, so a
/// relaunched shard processes exactly the records it did before.
/// </summary>
public readonly partial record struct ShardSpec(int Index, int Count)
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

    /// <summary>Whether the record at <paramref name="location"/> is this shard's: the project's stable string hash (the same in every process and on every machine, unlike string.GetHashCode) modulo the count.</summary>
    public bool Owns(RecordLocation location) => StableRandom.Bits(0, location.PortableKey) % (ulong)Count == (ulong)Index;

    /// <summary>Where this shard's dataset goes inside the stage's output folder <paramref name="stageOutput"/>.</summary>
    public string Directory(string stageOutput) => Path.Combine(stageOutput, Folder, Name);

    /// <summary>The shard's folder name; fixed-width numbers keep shards in order when listed.</summary>
    public string Name => $"{Index:D5}-of-{Count:D5}";

    public override string ToString() => $"{Index}/{Count}";

    [GeneratedRegex(@"^(\d{5})-of-(\d{5})(?:\.tmp-(\d+))?$")]
    private static partial Regex FolderName();

    /// <summary>
    /// The shard a folder under <see cref="Folder"/> holds, from its <see cref="Name"/>; for the
    /// temporary folder a shard is written in (<c>NAME.tmp-PID</c>, see DirectorySwap) also the
    /// writing process. False for any other folder.
    /// </summary>
    public static bool TryParseFolder(string folderName, out ShardSpec shard, out int? writer)
    {
        var match = FolderName().Match(folderName);
        shard = match.Success ? new ShardSpec(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)) : default;
        writer = match.Success && match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : null;
        return match.Success && shard.Index < shard.Count;
    }
}

using System.Text;
using MMForge.Pipeline;

namespace MMForge.Media.Shards;

/// <summary>
/// What the paths step of a sharded hash hands to the image step: for each record shard, the
/// image files its records show, grouped by the image shard that owns each
/// (<see cref="ImagePathKey"/>), in <c>OUTPUT/keys/paths/IIIII-of-NNNNN/paths.bin</c>. An image
/// shard reads only its own group of every list, so its reading grows with the files it owns,
/// not with the whole input: the input is read once in all, by the record shards.
/// </summary>
/// <remarks>
/// The file: a magic string, the number of groups (the shard count), one 8-byte offset per
/// group, then each group as a count and that many length-prefixed UTF-8 paths, in ordinal order.
/// </remarks>
public static class ImagePathLists
{
    private const string Magic = "mmforge-image-paths/1", FileName = "paths.bin", Folder = "paths";

    public static string FolderOf(string stageOutput, ShardSpec shard) => Path.Combine(stageOutput, ShardSpec.KeysFolder, Folder, shard.Name);

    /// <summary>Whether a previous launch already wrote <paramref name="shard"/>'s lists.</summary>
    public static bool Written(string stageOutput, ShardSpec shard) => File.Exists(Path.Combine(FolderOf(stageOutput, shard), FileName));

    /// <summary>Writes <paramref name="shard"/>'s lists, one per image shard (as many as record shards), through a temporary folder.</summary>
    public static void Write(string stageOutput, ShardSpec shard, IReadOnlyList<IReadOnlyCollection<string>> byOwner) =>
        DirectorySwap.Write(FolderOf(stageOutput, shard), temp =>
        {
            using var stream = File.Create(Path.Combine(temp, FileName));
            using var writer = new BinaryWriter(stream, Encoding.UTF8);
            writer.Write(Magic);
            writer.Write(byOwner.Count);
            var table = stream.Position;
            var offsets = new long[byOwner.Count];
            writer.Write(new byte[8 * offsets.Length]);
            for (var owner = 0; owner < byOwner.Count; owner++)
            {
                offsets[owner] = stream.Position;
                writer.Write(byOwner[owner].Count);
                foreach (var path in byOwner[owner].Order(StringComparer.Ordinal)) writer.Write(path);
            }
            stream.Position = table;
            foreach (var offset in offsets) writer.Write(offset);
            return 0;
        });

    /// <summary>
    /// The files image shard <paramref name="owner"/> owns, from every record shard's lists in
    /// shard order (a file several record shards show comes once from each); refused until every
    /// record shard of the same count has written its lists.
    /// </summary>
    public static IEnumerable<string> Owned(string stageOutput, ShardSpec owner)
    {
        var lists = ShardFolders.Complete(Path.Combine(stageOutput, ShardSpec.KeysFolder, Folder), dir => File.Exists(Path.Combine(dir, FileName)), "image path");
        if (lists.Count != owner.Count)
            throw new ArgumentException($"{stageOutput}: the image paths were listed by {lists.Count} shards, not {owner.Count}; run '--phase paths --shard I/{owner.Count}' for every shard first");
        foreach (var file in lists.Select(dir => Path.Combine(dir, FileName)))
        {
            using var reader = new BinaryReader(File.OpenRead(file), Encoding.UTF8);
            if (reader.ReadString() != Magic || reader.ReadInt32() != owner.Count) throw new InvalidDataException($"{file} is not a list of image paths for {owner.Count} shards; run its '--phase paths' again");
            reader.BaseStream.Position += 8L * owner.Index;
            reader.BaseStream.Position = reader.ReadInt64();
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++) yield return reader.ReadString();
        }
    }
}

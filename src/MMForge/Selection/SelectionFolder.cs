using MMForge.Pipeline;

namespace MMForge.Selection;

/// <summary>
/// The folder a selection writes: a mix directory (<c>mixes.json</c> and one dataset per mix), or,
/// while a sharded selection is under way, its <c>keys/</c> and each mix's <c>shards/</c>. What a
/// selection may replace in it, and nothing else.
/// </summary>
internal static class SelectionFolder
{
    public static string Keys(string outDir) => Path.Combine(outDir, ShardSpec.KeysFolder);

    /// <summary>
    /// Refuses a folder that holds something a selection did not write: anything but a mix
    /// directory, a sharded selection under way (its keys), or a folder of hidden files only (a
    /// recipe run's bookkeeping).
    /// </summary>
    public static void Check(string outDir)
    {
        if (!Directory.Exists(outDir)) return;
        // Looked at only after listing the folder: another shard's key step may create its keys
        // folder (and only then remove mixes.json) while we list, and must not pass for a stranger.
        var hasEntries = Directory.EnumerateFileSystemEntries(outDir).Any(entry => !Path.GetFileName(entry).StartsWith('.'));
        if (hasEntries && !Directory.Exists(Keys(outDir)) && !MixDirectory.IsMixDirectory(outDir))
            throw new ArgumentException($"{outDir} exists and is not a mix directory (no {MixDirectory.FileName}); choose an empty or new directory");
    }

    /// <summary>
    /// Makes <paramref name="outDir"/> ready for a sharded selection's key step (several may run at
    /// once): checks it, creates its keys folder, and only then removes <c>mixes.json</c>, so an
    /// earlier selection no longer looks complete and a shard starting meanwhile sees the keys folder.
    /// </summary>
    public static void ClaimForShards(string outDir)
    {
        Check(outDir);
        Directory.CreateDirectory(Keys(outDir));
        File.Delete(Path.Combine(outDir, MixDirectory.FileName));
    }

    /// <summary>Removes the datasets (or mix shards) in <paramref name="folders"/> that are not among <paramref name="keep"/>: the mixes of an earlier selection this one does not write.</summary>
    public static void RemoveMixesOtherThan(string outDir, IEnumerable<string> folders, IEnumerable<string> keep)
    {
        var kept = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var folder in folders.Where(f => !kept.Contains(f) && f != ShardSpec.KeysFolder))
        {
            var dir = Path.Combine(outDir, folder);
            if (DatasetDirectory.IsDataset(dir) || Directory.Exists(Path.Combine(dir, ShardSpec.Folder))) Directory.Delete(dir, recursive: true);
        }
    }
}

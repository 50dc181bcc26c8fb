namespace MMForge.Pipeline;

/// <summary>
/// The key files of a global stage's shards (dedup, select): <c>OUTPUT/keys/IIIII-of-NNNNN/FILE</c>,
/// each shard's folder written as <c>NAME.tmp-PID</c> and moved into place when its file is
/// complete, as every shard is, so `mmforge status` tells a running, failed or complete key shard
/// apart; read back together by the stage's decide step.
/// </summary>
public static class KeyShardFiles
{
    public static string FileOf(string stageOutput, ShardSpec shard, string fileName) =>
        Path.Combine(stageOutput, ShardSpec.KeysFolder, shard.Name, fileName);

    /// <summary>Has <paramref name="write"/> write the shard's key file at the path it is given, inside the shard's temporary folder.</summary>
    public static void Write(string stageOutput, ShardSpec shard, string fileName, Action<string> write) =>
        DirectorySwap.Write(Path.GetDirectoryName(FileOf(stageOutput, shard, fileName))!, temp =>
        {
            write(Path.Combine(temp, fileName));
            return 0;
        });

    /// <summary>
    /// The complete key files of every shard of one count, in shard order; refused while any is
    /// missing or was made with other parameters than <paramref name="parameters"/> (read by
    /// <paramref name="parametersOf"/>), naming the <paramref name="stage"/>.
    /// </summary>
    public static List<string> Complete(string stageOutput, string fileName, Func<string, string?> parametersOf, string parameters, string stage) =>
        CompleteIn(Path.Combine(stageOutput, ShardSpec.KeysFolder), "key", "keys", fileName, parametersOf, parameters, stage);

    /// <summary>
    /// As <see cref="Complete"/> for the shard folders under <paramref name="folder"/> that a step
    /// (<paramref name="phase"/>, its shards called <paramref name="what"/> in errors) writes:
    /// each one's <paramref name="fileName"/>, in shard order.
    /// </summary>
    public static List<string> CompleteIn(string folder, string what, string phase, string fileName, Func<string, string?> parametersOf, string parameters, string stage)
    {
        var files = ShardFolders.Complete(folder, dir => File.Exists(Path.Combine(dir, fileName)), what)
            .Select(dir => Path.Combine(dir, fileName)).ToList();
        foreach (var file in files)
            if (parametersOf(file) != parameters)
                throw new ArgumentException($"{file} was made with other {stage} options; run '--phase {phase}' again for every shard with these");
        return files;
    }
}

using System.Text.Json;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Formats.Writers;

namespace MMForge.Pipeline;

/// <summary>
/// The count step of a sharded validate with <c>yes-no-balance</c>: the rule needs the yes and no
/// answers of the whole input before any record is judged. Each shard counts its own run and
/// writes <c>OUTPUT/keys/IIIII-of-NNNNN/balance.json</c>; the record shards add the counts up
/// instead of each reading the whole input to count it again. Counts are integers, so the sums
/// are the one-process counts and so are the decisions.
/// </summary>
public static class BalanceCountShards
{
    public const string FileName = "balance.json";

    private sealed record Counts(long Yes, long No, long Records);

    /// <summary>Counts the answers of this shard's records and writes them; returns the records read.</summary>
    public static long Write(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string stageOutput, int workers)
    {
        var balance = new YesNoBalanceRule();
        var items = sources.SelectMany(s => SourceContext.ForReading(s) is var context ? RecordJob.Guarded(context).Select(raw => (Raw: raw, Context: context)) : []);
        long records = 0;
        OrderedParallel.Run(shard.Take(items, sources), 512, workers, item =>
        {
            try { RecordProcessor.Observe(item.Raw, item.Context, balance); }
            finally { item.Raw.Release(); }
            return 0;
        }, batch => records += batch.Length);
        DirectorySwap.Write(Path.Combine(stageOutput, ShardSpec.KeysFolder, shard.Name), temp =>
        {
            AtomicFile.WriteAllText(Path.Combine(temp, FileName), JsonSerializer.Serialize(new Counts(balance.Yes, balance.No, records)));
            return 0;
        });
        return records;
    }

    /// <summary>Whether this shard's counts are complete.</summary>
    public static bool Written(ShardSpec shard, string stageOutput) =>
        File.Exists(Path.Combine(stageOutput, ShardSpec.KeysFolder, shard.Name, FileName));

    /// <summary>
    /// Gives <paramref name="balance"/> the summed counts of every count shard under
    /// <paramref name="stageOutput"/>; false when there are none (the job then counts the whole
    /// input itself). Refused while any shard of one count is missing.
    /// </summary>
    public static bool TryUse(string stageOutput, YesNoBalanceRule balance)
    {
        var folder = Path.Combine(stageOutput, ShardSpec.KeysFolder);
        if (ShardFolders.Found(folder).Count == 0) return false;
        long yes = 0, no = 0;
        foreach (var dir in ShardFolders.Complete(folder, dir => File.Exists(Path.Combine(dir, FileName)), "balance count"))
        {
            var file = Path.Combine(dir, FileName);
            var counts = JsonSerializer.Deserialize<Counts>(File.ReadAllText(file)) ?? throw new InvalidDataException($"{file} is empty");
            if (counts.Yes < 0 || counts.No < 0) throw new InvalidDataException($"{file}: counts cannot be negative");
            (yes, no) = (yes + counts.Yes, no + counts.No);
        }
        balance.UseCounts(yes, no);
        return true;
    }
}

using System.Text;
using System.Text.Json;
using MMForge.Formats;
using MMForge.Formats.Writers;
using MMForge.Pipeline;

namespace MMForge.Scoring.Shards;

/// <summary>
/// <c>mmforge score</c> as a map/reduce over shards, in the steps dedup takes: each shard's loss
/// pass asks the model about its records and writes its <see cref="LossTable"/>
/// (<c>OUTPUT/keys/IIIII-of-NNNNN/losses.bin</c>, <see cref="WriteKeys"/>); one step reads the
/// tables in shard order, one at a time, and takes the one-process cut (<see cref="Decide"/>: <c>OUTPUT/keys/cuts.json</c>,
/// a threshold and a tie ordinal per group); each shard then writes its records with its own table
/// and the cut (<see cref="WritingOptions"/>), for merge-shards to join. Shards are contiguous runs in input
/// order, so the tables read in shard order are the one-process table, and the records, scores,
/// rejects and manifest are the one-process ones.
/// </summary>
public sealed class ShardedScore(ScoreOptions options, SampleScorer scorer)
{
    private const string TableFile = "losses.bin", CutsFile = "cuts.json", Magic = "mmforge-loss-table/1";

    /// <summary>Step 1: the shard's loss table; returns how many samples it holds.</summary>
    public int WriteKeys(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string stageOutput, Action<JobProgress>? progress)
    {
        options.Validate();
        var table = new LossPass(scorer, options.MaxPending).RunAsync(sources, progress, shard).GetAwaiter().GetResult();
        KeyShardFiles.Write(stageOutput, shard, TableFile, path =>
        {
            using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
            writer.Write(Magic);
            writer.Write(KeyParameters);
            table.Write(writer);
        });
        return table.Count;
    }

    /// <summary>Whether a previous launch already wrote <paramref name="shard"/>'s table for this model and template.</summary>
    public bool KeysWritten(ShardSpec shard, string stageOutput) => ParametersOf(KeyShardFiles.FileOf(stageOutput, shard, TableFile)) == KeyParameters;

    /// <summary>
    /// Step 2: the one-process cut over every shard's table in shard order, written for the shards;
    /// returns the cut. The tables are read one at a time, several times over (<see cref="StreamedLossCut"/>), never all held at once.
    /// </summary>
    public IReadOnlyList<GroupCut> Decide(string stageOutput)
    {
        var files = Tables(stageOutput);
        var groups = StreamedLossCut.Select(files.Select(file => (Func<LossTable>)(() => Read(file, LossTable.Read))).ToList(), options.DropTopPercent, options.PerSource);
        var decided = new DecidedCut(DecisionParameters(files.Count), groups);
        AtomicFile.WriteAllText(CutsPath(stageOutput), JsonSerializer.Serialize(decided, StateFileJson.Options) + "\n");
        return groups;
    }

    /// <summary>Step 3: the options of <paramref name="shard"/>'s writing pass (its records with its own table and the decided cut), and that cut.</summary>
    public (JobOptions Options, IReadOnlyList<GroupCut> Cuts) WritingOptions(ShardSpec shard, string stageOutput)
    {
        var files = Tables(stageOutput);
        var decided = File.Exists(CutsPath(stageOutput))
            ? JsonSerializer.Deserialize<DecidedCut>(File.ReadAllText(CutsPath(stageOutput)), StateFileJson.Options)
            : null;
        if (decided?.For != DecisionParameters(files.Count))
            throw new ArgumentException($"{CutsPath(stageOutput)} is missing or was decided with other options or another shard count: run 'score --phase keys --shard I/N' for every shard and then 'score --phase decide' with these options first");
        // the shard's first sample is numbered by the samples of the shards before it
        var offset = files.Take(shard.Index).Sum(file => (long)Read(file, LossTable.CountIn));
        var table = Read(files[shard.Index], LossTable.Read);
        return (new ScoreJob(options, scorer).WritingOptions(table, new LossCut(table, decided.Groups, options.PerSource, offset), shard), decided.Groups);
    }

    private List<string> Tables(string stageOutput) =>
        KeyShardFiles.Complete(stageOutput, TableFile, ParametersOf, KeyParameters, ScoreJob.Stage);

    private static string CutsPath(string stageOutput) => Path.Combine(stageOutput, ShardSpec.KeysFolder, CutsFile);

    /// <summary>What a loss table depends on: the model and how its prompts are made.</summary>
    private string KeyParameters => $"model {scorer.Client.Model} template {scorer.Template.Name}";

    private string DecisionParameters(int shards) => $"{KeyParameters} drop {options.DropTopPercent} per-source {options.PerSource} shards {shards}";

    private static string? ParametersOf(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            using var reader = Open(file);
            return reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException) { return null; }
    }

    /// <summary>Reads a table file past its magic and parameters; a file that is not one, or ends early, is refused.</summary>
    private static T Read<T>(string file, Func<BinaryReader, T> read)
    {
        using var reader = Open(file);
        try
        {
            reader.ReadString();
            return read(reader);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{file} ends early; run its shard's '--phase keys' again");
        }
    }

    private static BinaryReader Open(string file)
    {
        var reader = new BinaryReader(File.OpenRead(file), Encoding.UTF8);
        if (reader.ReadString() == Magic) return reader;
        reader.Dispose();
        throw new InvalidDataException($"{file} is not an mmforge loss table");
    }

    /// <summary><c>cuts.json</c>: the cut of every group and what it was decided for.</summary>
    private sealed record DecidedCut(string For, List<GroupCut> Groups);
}

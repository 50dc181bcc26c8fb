using System.Text.Json.Nodes;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Selection.Streamed;

namespace MMForge.Selection;

/// <summary>
/// <c>mmforge select</c> as a map/reduce over shards, in the steps dedup takes: each shard's key
/// pass writes its keys (<see cref="WriteKeys"/>), one step takes the one-process decisions in
/// passes over them, read in shard order one file at a time (<see cref="Decide"/>), each shard writes its run of every mix (<see cref="WriteShard"/>), and
/// <see cref="Merge"/> joins each mix's shards and writes <c>mixes.json</c>. Shards are contiguous
/// runs of the input in record order, so the mixes hold the one-process records in the same order.
/// </summary>
public sealed class ShardedSelection(SelectOptions options)
{
    private readonly SelectionJob _job = new(options);

    /// <summary>Step 1: the keys of <paramref name="shard"/>'s records into <c>OUTPUT/keys/</c>; returns how many records the shard read.</summary>
    public long WriteKeys(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string outDir, Action<JobProgress>? progress)
    {
        SelectionFolder.ClaimForShards(outDir);
        long records = 0;
        KeyShardFiles.Write(outDir, shard, SelectionKeyFile.FileName, path => SelectionKeyFile.Write(path, _job.Parameters, add =>
        {
            var runs = _job.KeyPass().Run(sources, shard, add, progress);
            records = runs.Sum(r => (long)r.Count);
            return runs;
        }));
        return records;
    }

    /// <summary>Whether a previous launch already wrote <paramref name="shard"/>'s keys with these options.</summary>
    public bool KeysWritten(ShardSpec shard, string outDir) =>
        SelectionKeyFile.ParametersOf(KeyShardFiles.FileOf(outDir, shard, SelectionKeyFile.FileName)) == _job.Parameters;

    /// <summary>
    /// Step 2: the one-process decisions taken in passes over every shard's keys, read in shard
    /// order (names numbered as one pass numbers them), never all in memory
    /// (<see cref="StreamedSelection"/>); written for the shards and the merge. A relaunch
    /// decides again: the keys may have been made again.
    /// </summary>
    public Decided Decide(IReadOnlyList<OpenedSource> sources, string outDir)
    {
        var files = KeyShardFiles.Complete(outDir, SelectionKeyFile.FileName, SelectionKeyFile.ParametersOf, _job.Parameters, SelectionJob.Stage);
        var scan = new KeyScan(files, sources.Count, options.Mixes.Count);
        var decided = new StreamedSelection(options, scan).Decide();
        new SelectionDecisions
        {
            Index = new MixDirectory { Mixes = decided.Cuts.Select(SelectionJob.Describe).ToList() },
            Params = decided.Cuts.Select(cut => _job.Params(cut, decided.ImagesWithoutSize).ToJsonString()).ToList(),
            Warnings = [.. decided.Warnings],
            Runs = scan.Runs,
            Take = decided.Cuts.Select(cut => cut.Take).ToList(),
        }.Write(SelectionDecisions.PathIn(outDir), Header(files.Count));
        return decided;
    }

    /// <summary>
    /// Step 3: <paramref name="shard"/>'s records of every mix, the run its key pass read, each mix
    /// into <c>OUTPUT/MIX/shards/IIIII-of-NNNNN/</c>; a mix's shard already complete for these
    /// decisions is kept (<paramref name="skipped"/> hears of it). Returns each mix's shard manifest.
    /// </summary>
    public List<Manifest> WriteShard(IReadOnlyList<OpenedSource> sources, ShardSpec shard, string outDir, Action<JobProgress>? progress, Action<string> skipped)
    {
        var decisions = SelectionDecisions.Read(SelectionDecisions.PathIn(outDir), Header(shard.Count));
        var runs = decisions.Runs[shard.Index];
        var manifests = new List<Manifest>();
        for (var m = 0; m < decisions.Index.Mixes.Count; m++)
        {
            var mix = decisions.Index.Mixes[m];
            var dir = shard.Directory(MixDirectory.DatasetOf(outDir, mix));
            var job = _job.WritingOptions(ShardParams(decisions.Params[m], shard));
            if (RecordJob.CompletedBy(job, dir) is { } done)
            {
                skipped(dir);
                manifests.Add(done);
                continue;
            }
            var take = decisions.Take[m];
            using var output = new DatasetOutput(dir, options.Writer);
            // the records are the shard's run already, so the job is not given the shard, which would cut them again
            manifests.Add(new RecordJob(job, progress).Run(sources.Select((s, i) => s with
            {
                Records = runs.FirstOrDefault(r => r.Input == i) is { Count: > 0 } run ? SelectionJob.Only(s.Records, take[i], run.First, run.First + run.Count) : [],
            }).ToList(), output));
        }
        return manifests;
    }

    /// <summary>
    /// Step 4 (<c>mmforge merge-shards OUTPUT</c>): once every mix's shards are complete for the
    /// decisions, joins each mix's shards into its dataset (no record copied), removes the mixes
    /// of an earlier selection, writes <c>mixes.json</c> last (what one process writes), and frees the keys.
    /// </summary>
    public static SelectionResult Merge(string outDir)
    {
        var decisions = SelectionDecisions.Read(SelectionDecisions.PathIn(outDir), null);
        var index = decisions.Index;
        for (var m = 0; m < index.Mixes.Count; m++)
        {
            var dir = MixDirectory.DatasetOf(outDir, index.Mixes[m]);
            var shards = ShardMerge.Complete(dir);
            if (shards.Count != decisions.Runs.Count)
                throw new ArgumentException($"{dir} holds {shards.Count} shards, the decisions are for {decisions.Runs.Count}; run the shards' write step again");
            foreach (var shard in shards)
            {
                var written = (JsonObject)Manifest.Load(shard).Stages[^1].Params.DeepClone();
                written.Remove("shard");
                if (written.ToJsonString() != decisions.Params[m])
                    throw new ArgumentException($"{shard} was written for other decisions; run the shard's write step again");
            }
        }
        var manifests = new List<Manifest>();
        foreach (var mix in index.Mixes)
        {
            var manifest = ShardMerge.Merge(MixDirectory.DatasetOf(outDir, mix));
            (mix.Records, mix.RecordsBySource) = (manifest.Records, manifest.RecordsBySource);
            manifests.Add(manifest);
        }
        SelectionFolder.RemoveMixesOtherThan(outDir, Directory.GetDirectories(outDir).Select(Path.GetFileName)!, index.Mixes.Select(m => m.Dir));
        index.Save(outDir);
        Directory.Delete(SelectionFolder.Keys(outDir), recursive: true);
        return new SelectionResult(index, manifests, new SelectionPool([]), 0, decisions.Warnings);
    }

    /// <summary>Whether <paramref name="outDir"/> holds a sharded selection's decisions, which <see cref="Merge"/> completes.</summary>
    public static bool HasDecisions(string outDir) => File.Exists(SelectionDecisions.PathIn(outDir));

    /// <summary>The dataset folder of every mix the decisions under <paramref name="outDir"/> write, begun or not; null before the decide step.</summary>
    public static IReadOnlyList<string>? MixFolders(string outDir) => SelectionDecisions.MixFoldersIn(outDir);

    /// <summary>A mix's parameters as the decisions recorded them, for its shard: the manifest names the shard, which merge-shards replaces by the count.</summary>
    private static JsonObject ShardParams(string decided, ShardSpec shard)
    {
        var parameters = (JsonObject)JsonNode.Parse(decided)!;
        parameters["shard"] = shard.ToString();
        return parameters;
    }

    /// <summary>What decisions are made for: the options and the number of shards whose keys they read.</summary>
    private string Header(int shards) => $"{_job.Parameters} shards {shards}";
}

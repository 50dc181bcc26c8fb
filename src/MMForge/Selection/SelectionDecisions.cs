using System.Collections;
using System.Text;
using System.Text.Json;
using MMForge.Formats.Writers;

namespace MMForge.Selection;

/// <summary>
/// What the decide step of a sharded selection hands to the shards that write and to the merge:
/// <c>OUTPUT/keys/decisions.bin</c>. A header (the selection parameters and the shard count they
/// hold for), the mix directory's index as the merge completes it (everything but the record
/// counts, which the merged mixes give), each mix's stage parameters as its manifest records
/// them, the warnings, the runs of the input each shard's key pass read (so each shard writes
/// exactly those records), the records per input, and per mix and input a bitmap of the records
/// the mix takes (one bit per record: 17 MB for 3 mixes of 44.8M records). Written atomically.
/// </summary>
internal sealed class SelectionDecisions
{
    public const string FileName = "decisions.bin";
    private const string Magic = "mmforge-select-decisions/1";

    /// <summary><c>mixes.json</c> without <see cref="MixInfo.Records"/> and <see cref="MixInfo.RecordsBySource"/>.</summary>
    public required MixDirectory Index { get; init; }

    /// <summary>Per mix, its parameters as JSON text, as <see cref="SelectionJob"/> records them in the mix's manifest.</summary>
    public required List<string> Params { get; init; }

    public required List<string> Warnings { get; init; }

    /// <summary>Per shard, the runs of each input its key pass read.</summary>
    public required List<List<InputRun>> Runs { get; init; }

    /// <summary>Per mix, per input, the records it takes by ordinal.</summary>
    public required List<BitArray[]> Take { get; init; }

    public static string PathIn(string stageOutput) => Path.Combine(stageOutput, Pipeline.ShardSpec.KeysFolder, FileName);

    public void Write(string path, string header)
    {
        using var file = new AtomicFile(path);
        using (var writer = new BinaryWriter(file.Stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(header);
            writer.Write(JsonSerializer.Serialize(Index, Pipeline.StateFileJson.Options));
            WriteStrings(writer, Params);
            WriteStrings(writer, Warnings);
            writer.Write(Runs.Count);
            foreach (var runs in Runs)
            {
                writer.Write(runs.Count);
                foreach (var run in runs)
                {
                    writer.Write(run.Input);
                    writer.Write(run.First);
                    writer.Write(run.Count);
                }
            }
            writer.Write(Take.Count);
            foreach (var masks in Take)
            {
                writer.Write(masks.Length);
                foreach (var mask in masks)
                {
                    var bytes = new byte[(mask.Length + 7) / 8];
                    mask.CopyTo(bytes, 0);
                    writer.Write(mask.Length);
                    writer.Write(bytes);
                }
            }
        }
        file.Commit();
    }

    /// <summary>
    /// The decisions at <paramref name="path"/>; refused when there are none or, when
    /// <paramref name="header"/> is given, they were made for other options or another shard count.
    /// </summary>
    public static SelectionDecisions Read(string path, string? header)
    {
        if (HeaderOf(path) is not { } found || (header is not null && found != header))
            throw new ArgumentException($"{path} is missing or was decided with other options or another shard count: run 'select --phase keys --shard I/N' for every shard and then 'select --phase decide' with these options first");
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        var index = ReadIndex(reader);
        var (parameters, warnings) = (ReadStrings(reader), ReadStrings(reader));
        var runs = Enumerable.Range(0, reader.ReadInt32()).Select(_ =>
            Enumerable.Range(0, reader.ReadInt32()).Select(_ => new InputRun(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32())).ToList()).ToList();
        var take = Enumerable.Range(0, reader.ReadInt32()).Select(_ => Enumerable.Range(0, reader.ReadInt32()).Select(_ =>
        {
            var length = reader.ReadInt32();
            return new BitArray(reader.ReadBytes((length + 7) / 8)) { Length = length };
        }).ToArray()).ToList();
        return new SelectionDecisions { Index = index, Params = parameters, Warnings = warnings, Runs = runs, Take = take };
    }

    /// <summary>
    /// The dataset folder of every mix the decisions under <paramref name="stageOutput"/> write, made
    /// or not; null when there are none (a stage that is not a sharded selection, or not decided yet).
    /// </summary>
    public static IReadOnlyList<string>? MixFoldersIn(string stageOutput)
    {
        var path = PathIn(stageOutput);
        if (HeaderOf(path) is null) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return ReadIndex(reader).Mixes.Select(mix => MixDirectory.DatasetOf(stageOutput, mix)).ToList();
    }

    /// <summary>The index of the mixes, read past the format and the header (checked by the caller with <see cref="HeaderOf"/>).</summary>
    private static MixDirectory ReadIndex(BinaryReader reader)
    {
        reader.ReadString();
        reader.ReadString();
        return JsonSerializer.Deserialize<MixDirectory>(reader.ReadString(), Pipeline.StateFileJson.Options)!;
    }

    private static string? HeaderOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return reader.ReadString() == Magic ? reader.ReadString() : null;
    }

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> strings)
    {
        writer.Write(strings.Count);
        foreach (var s in strings) writer.Write(s);
    }

    private static List<string> ReadStrings(BinaryReader reader) => Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadString()).ToList();
}

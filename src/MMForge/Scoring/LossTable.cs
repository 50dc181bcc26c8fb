using MMForge.Formats;

namespace MMForge.Scoring;

/// <summary>
/// What the loss pass keeps of every sample, in input order: where it was read, its source (an
/// index) and its loss as a float (NaN when unscored), 16 bytes a sample; the reasons of
/// unscored samples apart, each distinct reason held once (a server down for a million samples
/// gives a million failures with one reason). The writing pass finds a sample again by file and offset.
/// </summary>
public sealed class LossTable
{
    private readonly List<(long Offset, int Source, float Loss)> keys = [];
    private readonly List<(int FirstOrdinal, string File)> files = [];
    private readonly List<string> sources = [];
    private readonly Dictionary<string, int> sourceIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> unscored = [];
    private readonly List<(string Rule, string Reason)> failures = [];
    private readonly Dictionary<(string Rule, string Reason), int> failureIndex = [];

    public int Count => keys.Count;

    /// <summary>The source names, indexed as <see cref="SourceOf"/> returns them.</summary>
    public IReadOnlyList<string> Sources => sources;

    /// <summary>Adds a sample read at <paramref name="at"/>, not scored yet; returns its ordinal.</summary>
    public int Add(RecordLocation at, string source)
    {
        if (files.Count == 0 || files[^1].File != at.File) files.Add((keys.Count, at.File));
        if (!sourceIndex.TryGetValue(source, out var index))
        {
            sourceIndex[source] = index = sources.Count;
            sources.Add(source);
        }
        keys.Add((at.Offset, index, float.NaN));
        return keys.Count - 1;
    }

    public void Set(int ordinal, ScoreOutcome outcome)
    {
        if (outcome.Scored) keys[ordinal] = keys[ordinal] with { Loss = (float)outcome.Loss };
        else
        {
            var failure = (outcome.Rule!, outcome.Reason!);
            if (!failureIndex.TryGetValue(failure, out var index))
            {
                failureIndex[failure] = index = failures.Count;
                failures.Add(failure);
            }
            unscored[ordinal] = index;
        }
    }

    public int SourceOf(int ordinal) => keys[ordinal].Source;

    /// <summary>The sample's loss; NaN when it was not scored.</summary>
    public float LossOf(int ordinal) => keys[ordinal].Loss;

    public (string Rule, string Reason)? FailureOf(int ordinal) => unscored.TryGetValue(ordinal, out var index) ? failures[index] : null;

    public int Unscored => unscored.Count;

    /// <summary>Writes the table (a sharded score's keys: what the decide step and the shard's writing pass read).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(keys.Count);
        WriteList(writer, sources, (w, name) => w.Write(name));
        WriteList(writer, files, (w, f) => { w.Write(f.FirstOrdinal); w.Write(f.File); });
        WriteList(writer, failures, (w, f) => { w.Write(f.Rule); w.Write(f.Reason); });
        foreach (var (offset, source, loss) in keys)
        {
            writer.Write(offset);
            writer.Write(source);
            writer.Write(loss);
        }
        WriteList(writer, unscored.OrderBy(u => u.Key).ToList(), (w, u) => { w.Write(u.Key); w.Write(u.Value); });
    }

    /// <summary>How many samples a table written by <see cref="Write"/> holds, read without the rest.</summary>
    public static int CountIn(BinaryReader reader) => reader.ReadInt32();

    /// <summary>A table written by <see cref="Write"/>; every index in it is checked, so a damaged file is refused rather than misread.</summary>
    public static LossTable Read(BinaryReader reader)
    {
        var table = new LossTable();
        var count = CountIn(reader);
        table.sources.AddRange(ReadList(reader, r => r.ReadString()));
        for (var i = 0; i < table.sources.Count; i++) table.sourceIndex[table.sources[i]] = i;
        table.files.AddRange(ReadList(reader, r => (Checked(r.ReadInt32(), count + 1), r.ReadString())));
        table.failures.AddRange(ReadList(reader, r => (r.ReadString(), r.ReadString())));
        for (var i = 0; i < table.failures.Count; i++) table.failureIndex[table.failures[i]] = i;
        for (var i = 0; i < count; i++) table.keys.Add((reader.ReadInt64(), Checked(reader.ReadInt32(), table.sources.Count), reader.ReadSingle()));
        foreach (var (ordinal, failure) in ReadList(reader, r => (Checked(r.ReadInt32(), count), Checked(r.ReadInt32(), table.failures.Count))))
            table.unscored[ordinal] = failure;
        return table;
    }

    private static void WriteList<T>(BinaryWriter writer, IReadOnlyCollection<T> items, Action<BinaryWriter, T> write)
    {
        writer.Write(items.Count);
        foreach (var item in items) write(writer, item);
    }

    private static List<T> ReadList<T>(BinaryReader reader, Func<BinaryReader, T> read)
    {
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException("a loss table list has a negative length");
        var items = new List<T>();
        for (var i = 0; i < count; i++) items.Add(read(reader));
        return items;
    }

    private static int Checked(int index, int limit) =>
        index >= 0 && index < limit ? index : throw new InvalidDataException($"a loss table index {index} is outside 0..{limit - 1}");

    /// <summary>The ordinal of the sample read at this place, or null when the loss pass did not read one there.</summary>
    public int? Find(string file, long offset)
    {
        // Records are read one file after another, and within a file in increasing offsets.
        for (var f = 0; f < files.Count; f++)
        {
            if (files[f].File != file) continue;
            int low = files[f].FirstOrdinal, high = (f + 1 < files.Count ? files[f + 1].FirstOrdinal : keys.Count) - 1;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                var at = keys[middle].Offset;
                if (at == offset) return middle;
                if (at < offset) low = middle + 1;
                else high = middle - 1;
            }
        }
        return null;
    }
}

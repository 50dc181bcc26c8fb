using System.Text;

namespace MMForge.Selection;

/// <summary>
/// The keys one shard's key pass found (<c>select --phase keys --shard I/N</c>), in the shard's
/// input order, for the decide step to read in shard order: a binary file behind a header naming
/// the format and the selection parameters they were made with. A record is its input and
/// ordinal and, when it decoded, its facts with the source, stratum and tags as numbers into the
/// file's own name tables, each name written once where it is first used; after the records,
/// the runs of each input the shard read, and an end mark. Small numbers are 7-bit encoded.
/// The folder is written under a temporary name and moved into place when the file is complete
/// (<see cref="Pipeline.KeyShardFiles"/>).
/// </summary>
internal static class SelectionKeyFile
{
    public const string FileName = "keys.bin";
    private const string Magic = "mmforge-select-keys/1";
    private const byte EndTag = 0, KeyTag = 1, UndecodedTag = 2, NameTag = 3, RunTag = 4;
    private const byte SourceTable = 0, StratumTable = 1, TagTable = 2;

    /// <summary>Writes the records <paramref name="fill"/> hands to its writer, then the runs it returns, into <paramref name="path"/>.</summary>
    public static void Write(string path, string parameters, Func<Action<KeyedRecord>, List<InputRun>> fill)
    {
        using var writer = new BinaryWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(parameters);
        var tables = new[] { new Dictionary<string, int>(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal) };
        int Number(byte table, string name)
        {
            if (tables[table].TryGetValue(name, out var number)) return number;
            writer.Write(NameTag);
            writer.Write(table);
            writer.Write(name);
            return tables[table][name] = tables[table].Count;
        }
        var runs = fill(record =>
        {
            if (record.Facts is not { } facts)
            {
                writer.Write(UndecodedTag);
                writer.Write7BitEncodedInt(record.Input);
                writer.Write7BitEncodedInt(record.Ordinal);
                return;
            }
            // names first: the reader must know them before the record that uses them
            var (source, stratum) = (Number(SourceTable, facts.Source), Number(StratumTable, facts.Stratum));
            var tags = facts.Tags.Select(t => Number(TagTable, t)).ToList();
            writer.Write(KeyTag);
            writer.Write7BitEncodedInt(record.Input);
            writer.Write7BitEncodedInt(record.Ordinal);
            writer.Write7BitEncodedInt(source);
            writer.Write7BitEncodedInt(stratum);
            writer.Write7BitEncodedInt(tags.Count);
            foreach (var tag in tags) writer.Write7BitEncodedInt(tag);
            writer.Write7BitEncodedInt(facts.Yes);
            writer.Write7BitEncodedInt(facts.No);
            writer.Write(facts.Draw);
            foreach (var tokens in facts.Tokens) writer.Write7BitEncodedInt64(tokens);
            writer.Write7BitEncodedInt(facts.ImagesWithoutSize);
        });
        foreach (var run in runs)
        {
            writer.Write(RunTag);
            writer.Write7BitEncodedInt(run.Input);
            writer.Write7BitEncodedInt(run.First);
            writer.Write7BitEncodedInt(run.Count);
        }
        writer.Write(EndTag);
    }

    /// <summary>The parameters a key file was written with, or null when there is none at <paramref name="path"/>.</summary>
    public static string? ParametersOf(string path)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        return reader.ReadString() == Magic ? reader.ReadString() : null;
    }

    /// <summary>Hands the file's records to <paramref name="consume"/> in the order written, with their names; returns the runs of each input the shard read.</summary>
    public static List<InputRun> Read(string path, int mixCount, Action<KeyedRecord> consume)
    {
        using var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding.UTF8);
        if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not an mmforge select key file");
        reader.ReadString();
        var names = new[] { new List<string>(), new List<string>(), new List<string>() };
        var runs = new List<InputRun>();
        while (true)
        {
            switch (reader.ReadByte())
            {
                case EndTag: return runs;
                case NameTag: names[reader.ReadByte()].Add(reader.ReadString()); break;
                case UndecodedTag: consume(new KeyedRecord(reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), null)); break;
                case KeyTag: consume(ReadKey(reader, names, mixCount)); break;
                case RunTag: runs.Add(new InputRun(reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt())); break;
                case var tag: throw new InvalidDataException($"{path}: unknown entry {tag} at byte {reader.BaseStream.Position - 1}");
            }
        }
    }

    private static KeyedRecord ReadKey(BinaryReader reader, List<string>[] names, int mixCount)
    {
        var (input, ordinal) = (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
        var (source, stratum) = (names[SourceTable][reader.Read7BitEncodedInt()], names[StratumTable][reader.Read7BitEncodedInt()]);
        var tags = new string[reader.Read7BitEncodedInt()];
        for (var t = 0; t < tags.Length; t++) tags[t] = names[TagTable][reader.Read7BitEncodedInt()];
        var (yes, no, draw) = (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.ReadUInt64());
        var tokens = new long[mixCount];
        for (var m = 0; m < mixCount; m++) tokens[m] = reader.Read7BitEncodedInt64();
        return new KeyedRecord(input, ordinal, new SampleFacts(source, stratum, tags, yes, no, draw, tokens, reader.Read7BitEncodedInt()));
    }
}

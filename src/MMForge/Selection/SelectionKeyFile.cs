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
    private const byte SourceTable = KeyEntry.SourceTable, StratumTable = KeyEntry.StratumTable, TagTable = KeyEntry.TagTable;

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

    /// <summary>Hands the file's records to <paramref name="consume"/> in the order written, with their names, as a key pass hands them over (what the streamed decide step is checked against); returns the runs of each input the shard read.</summary>
    public static List<InputRun> Read(string path, int mixCount, Action<KeyedRecord> consume) => Scan(path, mixCount, entry =>
    {
        if (!entry.Decoded)
        {
            consume(new KeyedRecord(entry.Input, entry.Ordinal, null));
            return;
        }
        var tags = new string[entry.TagCount];
        for (var t = 0; t < tags.Length; t++) tags[t] = entry.Name(TagTable, entry.Tags[t]);
        consume(new KeyedRecord(entry.Input, entry.Ordinal, new SampleFacts(entry.Name(SourceTable, entry.Source), entry.Name(StratumTable, entry.Stratum),
            tags, entry.Yes, entry.No, entry.Draw, entry.Tokens.ToArray(), entry.ImagesWithoutSize)));
    });

    /// <summary>
    /// The file's records, in the order written, as one <see cref="KeyEntry"/> filled again for
    /// each (nothing allocated per record, for the decide step's many passes); returns the runs.
    /// </summary>
    public static List<InputRun> Scan(string path, int mixCount, Action<KeyEntry> consume)
    {
        using var reader = new KeyFileReader(path);
        if (reader.ReadString() != Magic) throw new InvalidDataException($"{path} is not an mmforge select key file");
        reader.ReadString();
        var entry = new KeyEntry(mixCount);
        var runs = new List<InputRun>();
        while (true)
        {
            switch (reader.ReadByte())
            {
                case EndTag: return runs;
                case NameTag:
                    var table = reader.ReadByte();
                    if (table >= entry.Names.Length) throw new InvalidDataException($"{path}: unknown name table {table} at byte {reader.Position - 1}");
                    entry.Names[table].Add(reader.ReadString());
                    break;
                case UndecodedTag:
                    (entry.Decoded, entry.Input, entry.Ordinal) = (false, reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
                    consume(entry);
                    break;
                case KeyTag:
                    entry.ReadKey(reader);
                    consume(entry);
                    break;
                case RunTag: runs.Add(new InputRun(reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt())); break;
                case var tag: throw new InvalidDataException($"{path}: unknown entry {tag} at byte {reader.Position - 1}");
            }
        }
    }
}

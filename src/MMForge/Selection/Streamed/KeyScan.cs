namespace MMForge.Selection.Streamed;

/// <summary>
/// Passes over the key shards of a sharded selection, read one file at a time in shard order,
/// so each decoded sample comes with its number among the decoded samples of the whole input
/// (the index one key pass gives it in <see cref="SelectionKeys.Keys"/>) and its names numbered
/// as one pass numbers them. The first pass (<see cref="Catalogue"/>) numbers the names and
/// counts the records; every later pass sees the same samples in the same order, or is refused.
/// Nothing is allocated per record: the decide step makes many passes.
/// </summary>
internal sealed class KeyScan(IReadOnlyList<string> files, int inputs, int mixCount)
{
    public const string Changed = "the select key files changed between the passes of the decide step; run the decide step again";

    /// <summary>A decoded sample: its index, its key (the tag slice starts at 0 of <paramref name="tags"/>), its tag numbers and its tokens under each mix's limit.</summary>
    public delegate void Visitor(int index, in SelectionKey key, ReadOnlySpan<int> tags, ReadOnlySpan<long> tokens);

    private int[] _tags = new int[16];
    private int _decoded = -1;
    private (int, int, int) _names;

    /// <summary>
    /// The names, numbered in the order first seen, each input's record count, the images
    /// without a size and the undecoded records. It never holds a key: <see cref="SelectionKeys.Keys"/> stays empty.
    /// </summary>
    public SelectionKeys Names { get; } = new(inputs, mixCount);

    /// <summary>Each shard's runs of each input, in shard order, known after <see cref="Catalogue"/>.</summary>
    public List<List<InputRun>> Runs { get; } = [];

    /// <summary>How many samples decoded.</summary>
    public int Decoded => _decoded;

    private (int, int, int) NameCounts => (Names.Sources.Names.Count, Names.Strata.Names.Count, Names.Tags.Names.Count);

    /// <summary>The first pass: numbers the names and counts the records, handing every decoded sample to <paramref name="visit"/>.</summary>
    public void Catalogue(Visitor visit)
    {
        var index = 0;
        foreach (var file in files)
        {
            var numbering = new FileNumbering(Names);
            Runs.Add(SelectionKeyFile.Scan(file, mixCount, entry =>
            {
                if (!entry.Decoded)
                {
                    Names.Undecoded.Add((entry.Input, entry.Ordinal));
                    return;
                }
                Names.ImagesWithoutSize += entry.ImagesWithoutSize;
                Visit(index++, entry, numbering, visit);
            }));
            foreach (var run in Runs[^1]) Names.Count(run);
        }
        _decoded = index;
        _names = NameCounts;
    }

    /// <summary>A later pass: every decoded sample to <paramref name="visit"/>, in the order of the first.</summary>
    public void Pass(Visitor visit)
    {
        if (_decoded < 0) throw new InvalidOperationException("the catalogue pass comes first");
        var index = 0;
        foreach (var file in files)
        {
            var numbering = new FileNumbering(Names);
            SelectionKeyFile.Scan(file, mixCount, entry =>
            {
                if (!entry.Decoded) return;
                if (index == _decoded) throw new InvalidDataException(Changed);
                Visit(index++, entry, numbering, visit);
            });
        }
        if (index != _decoded) throw new InvalidDataException(Changed);
    }

    private void Visit(int index, KeyEntry entry, FileNumbering numbering, Visitor visit)
    {
        // numbered in the order one key pass numbers them: source, stratum, then the tags
        var source = numbering.Global(KeyEntry.SourceTable, entry);
        var stratum = numbering.Global(KeyEntry.StratumTable, entry);
        if (entry.TagCount > _tags.Length) _tags = new int[entry.TagCount];
        for (var t = 0; t < entry.TagCount; t++) _tags[t] = numbering.Global(KeyEntry.TagTable, entry, t);
        if (_decoded >= 0 && NameCounts != _names) throw new InvalidDataException(Changed); // a name the first pass did not see
        var key = SelectionKeys.KeyOf(entry.Input, entry.Ordinal, source, stratum, 0, entry.TagCount, entry.Yes, entry.No, entry.Draw);
        visit(index, key, _tags.AsSpan(0, entry.TagCount), entry.Tokens);
    }

    /// <summary>One key file's name numbers mapped to the global numbers, each looked up once, when first used.</summary>
    private sealed class FileNumbering(SelectionKeys names)
    {
        private readonly List<int>[] _global = [[], [], []];

        /// <summary>The global number of the entry's source or stratum (<paramref name="tag"/> &lt; 0), or of its tag at <paramref name="tag"/>.</summary>
        public int Global(int table, KeyEntry entry, int tag = -1)
        {
            var local = table switch { KeyEntry.SourceTable => entry.Source, KeyEntry.StratumTable => entry.Stratum, _ => entry.Tags[tag] };
            if ((uint)local >= (uint)entry.Names[table].Count) throw new InvalidDataException($"a select key file uses name {local} of table {table} before listing it");
            var map = _global[table];
            while (map.Count <= local) map.Add(-1);
            if (map[local] < 0)
            {
                var name = entry.Name(table, local);
                map[local] = (table switch { KeyEntry.SourceTable => names.Sources, KeyEntry.StratumTable => names.Strata, _ => names.Tags }).Id(name);
            }
            return map[local];
        }
    }
}

namespace MMForge.Selection.Streamed;

/// <summary>
/// Passes over the key shards of a sharded selection, read one file at a time in shard order,
/// so each decoded sample comes with its number among the decoded samples of the whole input
/// (the index one key pass gives it in <see cref="SelectionKeys.Keys"/>) and its names numbered
/// as one pass numbers them. The first pass (<see cref="Catalogue"/>) numbers the names and
/// counts the records; every later pass sees the same samples in the same order, or is refused.
/// </summary>
internal sealed class KeyScan(IReadOnlyList<string> files, int inputs, int mixCount)
{
    public const string Changed = "the select key files changed between the passes of the decide step; run the decide step again";

    /// <summary>A decoded sample: its index, its key (the tag slice starts at 0 of <paramref name="tags"/>), its tag numbers and its tokens under each mix's limit.</summary>
    public delegate void Visitor(int index, in SelectionKey key, ReadOnlySpan<int> tags, ReadOnlySpan<long> tokens);

    private readonly List<int> _tags = [];
    private int _decoded = -1;
    private (int, int, int) _names;

    private (int, int, int) NameCounts => (Names.Sources.Names.Count, Names.Strata.Names.Count, Names.Tags.Names.Count);

    /// <summary>
    /// The names, numbered in the order first seen, each input's record count, the images
    /// without a size and the undecoded records. It never holds a key: <see cref="SelectionKeys.Keys"/> stays empty.
    /// </summary>
    public SelectionKeys Names { get; } = new(inputs, mixCount);

    /// <summary>Each shard's runs of each input, in shard order, known after <see cref="Catalogue"/>.</summary>
    public List<List<InputRun>> Runs { get; } = [];

    /// <summary>How many samples decoded.</summary>
    public int Decoded => _decoded;

    /// <summary>The first pass: numbers the names and counts the records, handing every decoded sample to <paramref name="visit"/>.</summary>
    public void Catalogue(Visitor visit)
    {
        var index = 0;
        foreach (var file in files)
        {
            Runs.Add(SelectionKeyFile.Read(file, mixCount, record =>
            {
                if (record.Facts is null) Names.Add(record);
                else
                {
                    Names.ImagesWithoutSize += record.Facts.ImagesWithoutSize;
                    Visit(index++, record, visit);
                }
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
            SelectionKeyFile.Read(file, mixCount, record =>
            {
                if (record.Facts is null) return;
                if (index == _decoded) throw new InvalidOperationException(Changed);
                Visit(index++, record, visit);
            });
        if (index != _decoded) throw new InvalidOperationException(Changed);
    }

    private void Visit(int index, KeyedRecord record, Visitor visit)
    {
        _tags.Clear();
        var key = Names.Number(record, record.Facts!, _tags);
        if (_decoded >= 0 && NameCounts != _names) throw new InvalidOperationException(Changed); // a name the first pass did not see
        visit(index, key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_tags), record.Facts!.Tokens);
    }
}

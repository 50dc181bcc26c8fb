using System.Buffers;
using MMForge.Dedup.Text;

namespace MMForge.Dedup;

/// <summary>
/// The keys of every sample in input order, the sources they index, and the files they were read
/// from, as the first ordinal of each file (records are read one file after another).
/// </summary>
public sealed record KeyPassResult(List<SampleKey> Keys, List<(int FirstOrdinal, string File)> Files, List<string> Sources)
{
    /// <summary>The file the sample at <paramref name="ordinal"/> was read from.</summary>
    public string FileOf(int ordinal)
    {
        int low = 0, high = Files.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Files[middle].FirstOrdinal <= ordinal) low = middle;
            else high = middle - 1;
        }
        return Files[low].File;
    }
}

/// <summary>
/// Gathers keyed samples, in input order, into what the decisions are taken on: the compact keys
/// in memory (ordinal = input order), ids in the <see cref="IdSpill"/>, signatures in the
/// <see cref="MinHashLsh"/> spill (so their ordinals match the keys').
/// </summary>
internal sealed class KeyCollector(IdSpill ids, MinHashLsh? texts, int permutations, long expected)
{
    // A dataset's manifest knows its size: one allocation instead of a doubling list whose
    // abandoned arrays would double the memory the keys are meant to keep small.
    private readonly List<SampleKey> _keys = new((int)Math.Min(expected, Array.MaxLength));
    private readonly List<(int FirstOrdinal, string File)> _files = [];
    private readonly List<string> _sources = [];
    private readonly Dictionary<string, int> _sourceIndex = new(StringComparer.Ordinal);

    public KeyPassResult Result => new(_keys, _files, _sources);

    public void Add(KeyedSample keyed)
    {
        if (_files.Count == 0 || _files[^1].File != keyed.File) _files.Add((_keys.Count, keyed.File));
        _keys.Add(keyed.Key with { Source = SourceIndex(keyed.Source) });
        ids.Add(keyed.Id, keyed.Source);
        if (keyed.Signature is { } signature)
        {
            texts!.AddSignature(signature.AsSpan(0, permutations));
            ArrayPool<uint>.Shared.Return(signature);
        }
    }

    private int SourceIndex(string name)
    {
        if (!_sourceIndex.TryGetValue(name, out var i))
        {
            _sourceIndex[name] = i = _sources.Count;
            _sources.Add(name);
        }
        return i;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MMForge.Pipeline;
using MMForge.Records;

namespace MMForge.Reports;

/// <summary>A sample the gallery may show, with the image-root resolver of its dataset (<see cref="SourceContext.ResolverFor"/>).</summary>
public sealed record GalleryCandidate(Sample Sample, string Source, string? Mix, Func<ImageRef, ImagePathResolver> ResolverFor);

/// <summary>
/// Chooses the gallery's samples while the final data streams past: per source, the samples
/// with images first, then those whose hash of (source, mix, id) is smallest, so the choice is
/// deterministic, independent of shard order and spread over the data; then one source after
/// another in name order until the gallery is full. Only the <c>size</c> first sources by name
/// can place a sample, so it holds at most <c>size</c> x <c>size</c> samples.
/// </summary>
public sealed class GalleryPicker(int size)
{
    private readonly SortedDictionary<string, SortedList<(int, ulong, long), GalleryCandidate>> _bySource = new(StringComparer.Ordinal);
    private long _seen;

    public void Offer(GalleryCandidate candidate)
    {
        if (size == 0) return;
        var key = (candidate.Sample.Images.Count > 0 ? 0 : 1, Hash(candidate), _seen++);
        if (!_bySource.TryGetValue(candidate.Source, out var kept))
        {
            _bySource[candidate.Source] = kept = [];
            if (_bySource.Count > size)
            {
                // a source after the first `size` by name never gets a turn
                var last = _bySource.Keys.Last();
                _bySource.Remove(last);
                if (last == candidate.Source) return;
            }
        }
        if (kept.Count == size && key.CompareTo(kept.Keys[^1]) >= 0) return;
        kept.Add(key, candidate);
        if (kept.Count > size) kept.RemoveAt(kept.Count - 1);
    }

    /// <summary>Round robin over the sources in name order, each one's best first.</summary>
    public List<GalleryCandidate> Chosen()
    {
        var chosen = new List<GalleryCandidate>();
        for (var round = 0; chosen.Count < size; round++)
        {
            var added = false;
            foreach (var kept in _bySource.Values)
                if (round < kept.Count && chosen.Count < size)
                {
                    chosen.Add(kept.Values[round]);
                    added = true;
                }
            if (!added) break;
        }
        return chosen;
    }

    private static ulong Hash(GalleryCandidate c) =>
        BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{c.Source}\n{c.Mix}\n{c.Sample.Id}")));
}

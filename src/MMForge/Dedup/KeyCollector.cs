using System.Buffers;
using MMForge.Dedup.Text;

namespace MMForge.Dedup;

/// <summary>
/// Gathers keyed samples, in input order, into what the decisions are taken on: the
/// <see cref="KeyColumns"/> (ordinal = input order), ids in the <see cref="IdSpill"/>, signatures
/// in the <see cref="MinHashLsh"/> spill (so their ordinals match the keys').
/// </summary>
internal sealed class KeyCollector(KeyColumns keys, IdSpill ids, MinHashLsh? texts, int permutations)
{
    public void Add(KeyedSample keyed)
    {
        keys.Add(keyed.Key, keyed.File, keyed.Source);
        ids.Add(keyed.Id, keyed.Source);
        if (keyed.Signature is { } signature)
        {
            texts!.AddSignature(signature.AsSpan(0, permutations));
            ArrayPool<uint>.Shared.Return(signature);
        }
    }
}

using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MMForge.Dedup.Text;

/// <summary>
/// Computes MinHash signatures: normalize, hash each shingle once to 64 bits, then for each
/// permutation i keep the minimum of a_i * x + b_i (mod 2^32) over the shingles' 32-bit keys x.
/// The permutations run eight at a time in 256-bit vectors, four vectors per pass over the
/// shingles so each loaded key feeds 32 permutations. One instance reuses its buffers, so it
/// allocates nothing per text once warm; it is not thread-safe: use one per thread.
/// </summary>
public sealed class MinHasher
{
    private const int Lanes = MinHashOptions.PermutationMultiple;
    private const int VectorsPerPass = 4;

    private readonly Shingler shingler;
    private readonly Vector256<uint>[] multipliers;
    private readonly Vector256<uint>[] offsets;
    private char[] normalized = [];
    private ulong[] shingles = [];

    public MinHasher(MinHashOptions options)
    {
        options.Validate();
        Permutations = options.Permutations;
        shingler = new Shingler(options.ShingleKind, options.ShingleSize);
        (multipliers, offsets) = DrawPermutations(options.Permutations, options.Seed);
    }

    public int Permutations { get; }

    /// <summary>Writes the signature of <paramref name="text"/>; an empty text (after normalization) gets all uint.MaxValue.</summary>
    public void Compute(ReadOnlySpan<char> text, Span<uint> signature)
    {
        if (signature.Length != Permutations)
            throw new ArgumentException($"must hold {Permutations} values", nameof(signature));
        if (normalized.Length < text.Length)
        {
            // grown to a power of two so a stream of slowly longer texts does not reallocate each time
            normalized = new char[BitOperations.RoundUpToPowerOf2((uint)text.Length)];
            shingles = new ulong[normalized.Length];
        }
        var length = TextNormalizer.Normalize(text, normalized);
        var count = shingler.Hash(normalized.AsSpan(0, length), shingles);
        MinOverPermutations(shingles.AsSpan(0, count), MemoryMarshal.Cast<uint, Vector256<uint>>(signature));
    }

    /// <summary>The estimated Jaccard similarity of two signatures: the fraction of positions where they agree.</summary>
    public static double Similarity(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b) =>
        (double)Agreement(a, b, stackalloc ulong[AgreementWords(a.Length)]) / a.Length;

    /// <summary>How many ulongs hold one bit per position of a signature this long.</summary>
    internal static int AgreementWords(int length) => (length + 63) / 64;

    /// <summary>
    /// Sets bit i of <paramref name="equalBits"/> where a[i] == b[i] and returns how many are set:
    /// the count verifies a pair and the bits tell which LSH bands it shares.
    /// </summary>
    internal static int Agreement(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b, Span<ulong> equalBits)
    {
        if (a.Length != b.Length) throw new ArgumentException("signatures differ in length", nameof(b));
        equalBits.Clear();
        var i = 0;
        for (; i + Lanes <= a.Length; i += Lanes)
        {
            // lanes come in eights from a multiple of eight, so one vector's bits never straddle two words
            var equal = Vector256.Equals(Vector256.Create(a.Slice(i, Lanes)), Vector256.Create(b.Slice(i, Lanes))).ExtractMostSignificantBits();
            equalBits[i >> 6] |= (ulong)equal << (i & 63);
        }
        for (; i < a.Length; i++)
            if (a[i] == b[i]) equalBits[i >> 6] |= 1UL << (i & 63);
        var count = 0;
        foreach (var word in equalBits) count += BitOperations.PopCount(word);
        return count;
    }

    private void MinOverPermutations(ReadOnlySpan<ulong> keys, Span<Vector256<uint>> signature)
    {
        var v = 0;
        for (; v + VectorsPerPass <= signature.Length; v += VectorsPerPass)
        {
            var a0 = multipliers[v]; var a1 = multipliers[v + 1]; var a2 = multipliers[v + 2]; var a3 = multipliers[v + 3];
            var b0 = offsets[v]; var b1 = offsets[v + 1]; var b2 = offsets[v + 2]; var b3 = offsets[v + 3];
            var m0 = Vector256<uint>.AllBitsSet; var m1 = m0; var m2 = m0; var m3 = m0;
            foreach (var key in keys)
            {
                var x = Key(key);
                m0 = Vector256.Min(m0, a0 * x + b0);
                m1 = Vector256.Min(m1, a1 * x + b1);
                m2 = Vector256.Min(m2, a2 * x + b2);
                m3 = Vector256.Min(m3, a3 * x + b3);
            }
            signature[v] = m0; signature[v + 1] = m1; signature[v + 2] = m2; signature[v + 3] = m3;
        }
        for (; v < signature.Length; v++)
        {
            var a = multipliers[v];
            var b = offsets[v];
            var m = Vector256<uint>.AllBitsSet;
            foreach (var key in keys) m = Vector256.Min(m, a * Key(key) + b);
            signature[v] = m;
        }
    }

    /// <summary>The high half of the shingle hash, broadcast: the finalizer mixed every bit into it.</summary>
    private static Vector256<uint> Key(ulong shingleHash) => Vector256.Create((uint)(shingleHash >> 32));

    /// <summary>
    /// Odd multipliers make each a*x+b a bijection of the 32-bit keys; the minimum is decided by
    /// the high bits, which an odd multiply draws from every bit of x.
    /// </summary>
    private static (Vector256<uint>[] Multipliers, Vector256<uint>[] Offsets) DrawPermutations(int permutations, ulong seed)
    {
        var state = seed;
        var a = new uint[permutations];
        var b = new uint[permutations];
        for (var i = 0; i < permutations; i++)
        {
            a[i] = (uint)SplitMix64(ref state) | 1;
            b[i] = (uint)SplitMix64(ref state);
        }
        return (AsVectors(a), AsVectors(b));
    }

    private static Vector256<uint>[] AsVectors(uint[] values) => MemoryMarshal.Cast<uint, Vector256<uint>>(values).ToArray();

    /// <summary>The standard SplitMix64 step: a seeded, portable stream of well-mixed 64-bit values.</summary>
    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

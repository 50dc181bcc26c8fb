using System.Numerics;

namespace MMForge.Bench;

/// <summary>
/// Random 64-bit hashes with known near duplicates planted among them: pairs at distances 1..k,
/// groups of identical hashes (one as large as a corpus's blank images), and a dense cluster
/// whose members are all within k of each other. Seeded, so every run measures the same hashes.
/// </summary>
/// <param name="Hashes">One hash per sample ordinal.</param>
/// <param name="Planted">Ordinal pairs that must end up connected.</param>
public sealed record PlantedPhashes(ulong[] Hashes, (int A, int B)[] Planted)
{
    public const int NearPairs = 10_000;
    public const int BlankCopies = 10_000;
    public const int SmallGroups = 1_000;
    public const int ClusterSize = 2_000;

    public static PlantedPhashes Generate(int count, int maxDistance, int seed = 64)
    {
        var random = new Random(seed);
        var hashes = new ulong[count];
        for (var i = 0; i < count; i++) hashes[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        var ordinals = new UnusedOrdinals(random, count);
        var planted = new List<(int, int)>();

        for (var pair = 0; pair < NearPairs; pair++)
        {
            var (a, b) = (ordinals.Next(), ordinals.Next());
            hashes[b] = hashes[a] ^ Mask(random, random.Next(1, maxDistance + 1));
            planted.Add((a, b));
        }
        PlantGroup(BlankCopies);
        for (var group = 0; group < SmallGroups; group++) PlantGroup(random.Next(2, 21));
        // every member within k/2 of the centre, so every two members are within k
        var centre = ordinals.Next();
        for (var member = 1; member < ClusterSize; member++)
        {
            var b = ordinals.Next();
            hashes[b] = hashes[centre] ^ Mask(random, random.Next(maxDistance / 2 + 1));
            planted.Add((centre, b));
        }
        return new PlantedPhashes(hashes, [.. planted]);

        void PlantGroup(int size)
        {
            var first = ordinals.Next();
            for (var copy = 1; copy < size; copy++)
            {
                var b = ordinals.Next();
                hashes[b] = hashes[first];
                planted.Add((first, b));
            }
        }
    }

    /// <summary>A random 64-bit mask with exactly <paramref name="bits"/> bits set.</summary>
    private static ulong Mask(Random random, int bits)
    {
        var mask = 0UL;
        while (BitOperations.PopCount(mask) < bits) mask |= 1UL << random.Next(64);
        return mask;
    }

    /// <summary>Random ordinals, each used once, so that planted structures do not overwrite each other.</summary>
    private sealed class UnusedOrdinals(Random random, int count)
    {
        private readonly HashSet<int> used = [];

        public int Next()
        {
            int ordinal;
            do ordinal = random.Next(count); while (!used.Add(ordinal));
            return ordinal;
        }
    }
}

namespace MMForge.Dedup;

/// <summary>The XOR masks that reach every value within a Hamming radius of a chunk value.</summary>
internal static class HammingBall
{
    /// <summary>
    /// Every mask of <paramref name="bits"/> bits with 1 to <paramref name="radius"/> bits set
    /// (the centre, mask 0, is left out), fewest bits first.
    /// </summary>
    public static int[] Masks(int bits, int radius)
    {
        var masks = new List<int>();
        for (var weight = 1; weight <= Math.Min(radius, bits); weight++)
        {
            // Gosper's hack: the next larger integer with the same number of set bits
            for (var mask = (1 << weight) - 1; mask < 1 << bits;)
            {
                masks.Add(mask);
                var lowest = mask & -mask;
                var ripple = mask + lowest;
                mask = (((ripple ^ mask) >> 2) / lowest) | ripple;
            }
        }
        return [.. masks];
    }

    /// <summary>How many values lie within <paramref name="radius"/> of a value of <paramref name="bits"/> bits (centre included).</summary>
    public static double Volume(int bits, int radius)
    {
        double volume = 0, choose = 1;
        for (var weight = 0; weight <= Math.Min(radius, bits); weight++)
        {
            volume += choose;
            choose = choose * (bits - weight) / (weight + 1);
        }
        return volume;
    }
}

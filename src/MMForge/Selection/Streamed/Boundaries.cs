namespace MMForge.Selection.Streamed;

/// <summary>
/// Per group, the boundary of a "take in order until the target is exceeded" rule: the first
/// element, in the order of its unique 128-bit key, at which the running sum of weights exceeds
/// the group's target. The elements before it are taken; it and those after are not. With
/// weight 1 and a quota as the target that is "the quota smallest"; with tokens and a budget it
/// is "in shuffle order until the next one does not fit".
/// <para>
/// Found by a radix select over the key's digits, one digit a pass: every pass is handed the same
/// elements (<see cref="Observe"/>, in any order), and each group counts only those under the
/// key prefix its boundary lies in, a counter of count and weight per digit. A group is settled
/// when its prefix holds one element, usually after a few digits, since keys lead with random
/// draws. Digits are 16 bits when few groups search (two passes settle millions of elements;
/// 1 MB a group), else 8 bits (4 KB a group). The elements are never held.
/// </para>
/// </summary>
internal sealed class Boundaries
{
    /// <summary>Up to this many searching groups count 16-bit digits.</summary>
    private const int WideGroups = 16;

    private readonly int _bits, _digits, _keyDigits;

    private sealed class Group(long target)
    {
        /// <summary>How much weight may still be taken under <see cref="Prefix"/>.</summary>
        public long Remaining = target;
        public int Depth;
        public UInt128 Prefix;
        public bool Settled;

        /// <summary>The whole group fits: no boundary.</summary>
        public bool TakesAll;

        public long[]? Counts, Weights;
    }

    private readonly Group[] _groups;

    /// <summary>One group per target; a null target takes all of its group without searching.</summary>
    public Boundaries(IEnumerable<long?> targets)
    {
        _groups = targets.Select(t => t is { } target ? new Group(target) : new Group(0) { Settled = true, TakesAll = true }).ToArray();
        _bits = _groups.Count(g => !g.Settled) <= WideGroups ? 16 : 8;
        (_digits, _keyDigits) = (1 << _bits, 128 / _bits);
        foreach (var group in _groups.Where(g => !g.Settled)) (group.Counts, group.Weights) = (new long[_digits], new long[_digits]);
    }

    /// <summary>Whether another pass over the elements is needed.</summary>
    public bool Searching => _groups.Any(g => !g.Settled);

    /// <summary>Counts an element of <paramref name="group"/> in this pass.</summary>
    public void Observe(int group, UInt128 key, long weight)
    {
        var g = _groups[group];
        if (g.Settled || (g.Depth > 0 && key >> (_bits * (_keyDigits - g.Depth)) != g.Prefix)) return;
        var digit = (int)(key >> (_bits * (_keyDigits - 1 - g.Depth))) & (_digits - 1);
        g.Counts![digit]++;
        g.Weights![digit] += weight;
    }

    /// <summary>Ends a pass: each searching group narrows its prefix by the digit whose elements cross the target.</summary>
    public void EndPass()
    {
        foreach (var g in _groups.Where(g => !g.Settled))
        {
            var digit = 0;
            for (; digit < _digits && g.Weights![digit] <= g.Remaining; digit++) g.Remaining -= g.Weights[digit];
            if (digit == _digits)
            {
                // a later prefix was chosen because its weight crosses: not crossing now means other elements
                if (g.Depth > 0) throw new InvalidDataException(KeyScan.Changed);
                (g.Settled, g.TakesAll) = (true, true);
            }
            else
            {
                g.Prefix = (g.Prefix << _bits) | (uint)digit;
                g.Depth++;
                g.Settled = g.Counts![digit] == 1 || g.Depth == _keyDigits;
            }
            Array.Clear(g.Counts!);
            Array.Clear(g.Weights!);
            if (g.Settled) (g.Counts, g.Weights) = (null, null);
        }
    }

    /// <summary>Whether the element of <paramref name="group"/> with <paramref name="key"/> lies before the boundary (is taken); once settled.</summary>
    public bool Before(int group, UInt128 key)
    {
        var g = _groups[group];
        if (!g.Settled) throw new InvalidOperationException("the boundary is not found yet");
        // a settled prefix holds the boundary element alone, so an equal prefix is the boundary itself
        return g.TakesAll || key >> (_bits * (_keyDigits - g.Depth)) < g.Prefix;
    }

    /// <summary>The target's weight left after every element before the boundary (of a group that takes all: after all of them).</summary>
    public long Unspent(int group) => _groups[group].Remaining;

    /// <summary>The key that orders by <paramref name="high"/>, then <paramref name="low"/>.</summary>
    public static UInt128 Key(ulong high, ulong low) => new(high, low);
}

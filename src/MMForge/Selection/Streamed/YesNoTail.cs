namespace MMForge.Selection.Streamed;

/// <summary>Whether a sample, by its index and key, is chosen by an earlier decision.</summary>
internal delegate bool SamplePredicate(int index, in SelectionKey key);

/// <summary>
/// <see cref="YesNoEqualiser"/>'s drops found in passes over the keys. The equaliser walks the
/// chosen samples that lean to the commoner answer, last of the shuffle first, and drops each
/// whose lean still fits the surplus. Every sample until the running sum of leans first exceeds
/// the surplus is dropped: a <see cref="Boundaries"/> prefix. After it, what is left of the
/// surplus is less than the lean that stopped the prefix, and it only shrinks, so of the samples
/// of lean v at most (left / v) are dropped, and they are the first of that lean. Those few
/// candidates are gathered in one pass and the equaliser's walk finishes on them alone.
/// </summary>
internal sealed class YesNoTail
{
    private readonly int _sign;
    private readonly Boundaries _prefix;
    private readonly HashSet<int> _tail;

    private YesNoTail(int sign, Boundaries prefix, HashSet<int> tail) => (_sign, _prefix, _tail) = (sign, prefix, tail);

    /// <summary>The drops among the samples <paramref name="chosen"/> takes; null when their answers already balance.</summary>
    public static YesNoTail? Find(KeyScan scan, SamplePredicate chosen)
    {
        long net = 0;
        scan.Pass((int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) =>
        {
            if (chosen(index, key)) net += key.Yes - key.No;
        });
        var sign = Math.Sign(net);
        if (sign == 0) return null;
        bool Leaning(int index, in SelectionKey key) => chosen(index, key) && Math.Sign(key.Yes - key.No) == sign;

        var prefix = new Boundaries([Math.Abs(net)]);
        while (prefix.Searching)
        {
            scan.Pass((int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) =>
            {
                if (Leaning(index, key)) prefix.Observe(0, Order(index, key), Lean(key));
            });
            prefix.EndPass();
        }

        var left = prefix.Unspent(0);
        var tail = new HashSet<int>();
        if (left == 0) return new YesNoTail(sign, prefix, tail);
        // per lean, the first (left / lean) after the prefix: the largest order on top, to be replaced
        var candidates = new Dictionary<long, PriorityQueue<(int Index, UInt128 Order), UInt128>>();
        scan.Pass((int index, in SelectionKey key, ReadOnlySpan<int> _, ReadOnlySpan<long> _) =>
        {
            var lean = Lean(key);
            if (lean > left || !Leaning(index, key)) return;
            var order = Order(index, key);
            if (prefix.Before(0, order)) return;
            if (!candidates.TryGetValue(lean, out var first)) candidates[lean] = first = new();
            if (first.Count < left / lean) first.Enqueue((index, order), ~order);
            else if (order < first.Peek().Order) first.EnqueueDequeue((index, order), ~order);
        });
        foreach (var (index, lean) in candidates.SelectMany(c => c.Value.UnorderedItems.Select(item => (item.Element.Index, item.Element.Order, Lean: c.Key)))
                     .OrderBy(c => c.Order).Select(c => (c.Index, c.Lean)))
        {
            if (left == 0) break;
            if (lean > left) continue;
            tail.Add(index);
            left -= lean;
        }
        return new YesNoTail(sign, prefix, tail);
    }

    /// <summary>Whether the equaliser drops this chosen sample.</summary>
    public bool Drops(int index, in SelectionKey key) =>
        Math.Sign(key.Yes - key.No) == _sign && (_prefix.Before(0, Order(index, key)) || _tail.Contains(index));

    private static long Lean(in SelectionKey key) => Math.Abs(key.Yes - key.No);

    /// <summary>The equaliser's walk: the largest draw first, then the latest in input order.</summary>
    private static UInt128 Order(int index, in SelectionKey key) => Boundaries.Key(~key.Draw, ~(ulong)index);
}

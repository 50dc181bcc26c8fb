namespace MMForge.Selection;

/// <summary>
/// Chooses <c>quota</c> samples of one group. Plainly: the first ones of the seeded shuffle
/// (smallest draws). With diversity (SVIT's "coverage of key concepts"): greedily, the sample
/// whose image tags add the most coverage, a tag already chosen c times counting 1/(1+c), so
/// unseen tags come first and common tags are not starved once all are seen; ties go to the
/// smaller draw. The gain only falls as samples are chosen (it is submodular), so a lazy greedy
/// recomputes only the candidate at the top of the queue.
/// </summary>
public static class GroupPick
{
    public static IEnumerable<int> Choose(SelectionKeys keys, IReadOnlyList<int> members, long quota, bool diversity)
    {
        if (quota >= members.Count) return members;
        return diversity ? Diverse(keys, members, quota) : members.OrderBy(k => keys.Keys[k].Draw).ThenBy(k => k).Take((int)quota);
    }

    private static List<int> Diverse(SelectionKeys keys, IReadOnlyList<int> members, long quota)
    {
        var chosenTimes = new Dictionary<int, int>();
        double Gain(int key)
        {
            var gain = 0.0;
            foreach (var tag in keys.TagsOf(keys.Keys[key])) gain += 1.0 / (1 + chosenTimes.GetValueOrDefault(tag));
            return gain;
        }

        // the queue orders by (-gain, draw, key): the most gain first, then the seeded shuffle
        var queue = new PriorityQueue<int, (double NegativeGain, ulong Draw, int Key)>();
        foreach (var key in members) queue.Enqueue(key, (-Gain(key), keys.Keys[key].Draw, key));
        var chosen = new List<int>((int)quota);
        while (chosen.Count < quota && queue.TryDequeue(out var key, out var stale))
        {
            var gain = Gain(key);
            var fresh = (-gain, stale.Draw, key);
            if (queue.TryPeek(out _, out var next) && fresh.CompareTo(next) > 0)
            {
                queue.Enqueue(key, fresh); // another candidate may now be worth more
                continue;
            }
            chosen.Add(key);
            foreach (var tag in keys.TagsOf(keys.Keys[key])) chosenTimes[tag] = chosenTimes.GetValueOrDefault(tag) + 1;
        }
        return chosen;
    }
}

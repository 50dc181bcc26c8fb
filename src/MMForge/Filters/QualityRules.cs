using MMForge.Records;

namespace MMForge.Filters;

/// <summary>Infinity-MM optional check: drop questions that already contain "Answer:".</summary>
public sealed class AnswerInQuestionRule : IRule
{
    public string Name => "answer-in-question";
    public string Description => "drop question/answer pairs whose question contains \"Answer:\" (off by default)";
    public bool OnByDefault => false;

    public RuleOutcome Apply(Sample sample, RuleContext context) => PairDrop.Apply(sample,
        (q, _, _) => q.Value.Contains("Answer:", StringComparison.Ordinal), "question contains \"Answer:\"");
}

/// <summary>Infinity-MM optional check: drop questions of 5 characters or fewer (placeholders not counted).</summary>
public sealed class ShortQuestionRule : IRule
{
    public const int MaxDroppedLength = 5;
    public string Name => "short-question";
    public string Description => $"drop question/answer pairs whose question has {MaxDroppedLength} characters or fewer (off by default)";
    public bool OnByDefault => false;

    public RuleOutcome Apply(Sample sample, RuleContext context) => PairDrop.Apply(sample,
        (q, _, _) => TurnPairs.QuestionText(q).Length <= MaxDroppedLength, "question too short");
}

/// <summary>
/// Infinity-MM optional check: balance yes/no answers by dropping each "Yes" pair with
/// probability 1 - #No/#Yes. The counts come from a first pass over the input
/// (<see cref="Observe"/>); each drop decision is a hash of the seed and the pair's
/// location, so the result does not depend on thread scheduling.
/// </summary>
public sealed class YesNoBalanceRule : IRule
{
    private long _yes, _no;

    public string Name => "yes-no-balance";
    public string Description => "drop \"Yes\" answers with probability 1 - #No/#Yes so yes and no are balanced (off by default; needs a counting pass)";
    public bool OnByDefault => false;

    public long Yes => _yes;
    public long No => _no;

    /// <summary>Whether the counts were given (<see cref="UseCounts"/>) and the counting pass is not needed.</summary>
    public bool HasCounts { get; private set; }

    /// <summary>
    /// Takes counts made elsewhere: a sharded validate's count step, summed over its shards, so
    /// each record shard need not read the whole input to count it again.
    /// </summary>
    public void UseCounts(long yes, long no) => (_yes, _no, HasCounts) = (yes, no, true);

    /// <summary>Counts the yes and no answers of one sample during the counting pass (thread-safe).</summary>
    public void Observe(Sample sample)
    {
        var (yes, no) = Answers(sample);
        if (yes > 0) Interlocked.Add(ref _yes, yes);
        if (no > 0) Interlocked.Add(ref _no, no);
    }

    /// <summary>How many of the sample's answers are a bare "yes" and how many a bare "no" (selection balances samples by these too).</summary>
    public static (int Yes, int No) Answers(Sample sample)
    {
        if (!TurnPairs.HasDialogue(sample.Turns)) return (0, 0);
        int yes = 0, no = 0;
        for (var i = TurnPairs.FirstDialogueTurn(sample.Turns) + 1; i < sample.Turns.Count; i += 2)
        {
            if (IsAnswer(sample.Turns[i].Value, "yes")) yes++;
            else if (IsAnswer(sample.Turns[i].Value, "no")) no++;
        }
        return (yes, no);
    }

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        if (_yes <= _no) return RuleOutcome.Pass;
        var dropProbability = 1.0 - (double)_no / _yes;
        return PairDrop.Apply(sample,
            (_, a, pair) => IsAnswer(a.Value, "yes") && StableRandom.Unit(context.Seed, context.SampleKey(), pair) < dropProbability,
            "yes/no balance");
    }

    /// <summary>"Yes", "yes." and " YES " all count; "Yes, because..." does not.</summary>
    internal static bool IsAnswer(string answer, string word) =>
        answer.AsSpan().Trim().TrimEnd('.').Equals(word, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reproducible pseudo-random numbers keyed by (seed, text, index): FNV-1a then a SplitMix64 finaliser.</summary>
public static class StableRandom
{
    public static double Unit(ulong seed, string key, int index) => (Finalise(Fnv(seed, key) ^ (ulong)index) >> 11) * (1.0 / (1UL << 53));

    /// <summary>64 reproducible random bits keyed by (seed, text): a sample's place in a seeded shuffle.</summary>
    public static ulong Bits(ulong seed, string key) => Finalise(Fnv(seed, key));

    /// <summary>Bits keyed by two earlier draws, for a second independent shuffle of the same items.</summary>
    public static ulong Bits(ulong draw, ulong salt) => Finalise(draw ^ salt);

    private static ulong Fnv(ulong seed, string key)
    {
        var h = 14695981039346656037UL ^ seed;
        foreach (var c in key) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    private static ulong Finalise(ulong h)
    {
        h += 0x9E3779B97F4A7C15UL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}

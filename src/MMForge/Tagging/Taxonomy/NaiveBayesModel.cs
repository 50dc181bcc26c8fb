using System.Collections.Frozen;
using System.Numerics;

namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// Multinomial naive Bayes over instruction features, one class per L3 leaf that has training
/// examples, with Laplace smoothing. The log-likelihoods are stored feature-major, so scoring a
/// text adds one contiguous row per feature (vectorized). Read-only after training.
/// </summary>
internal sealed class NaiveBayesModel
{
    private readonly FrozenDictionary<ulong, int> vocabulary;
    private readonly float[] logPriors;
    private readonly float[] logLikelihoods;

    public NaiveBayesModel(IReadOnlyList<(ulong[] Features, int Class)> examples, int classCount, double smoothing)
    {
        ClassCount = classCount;
        var ids = new Dictionary<ulong, int>();
        foreach (var (features, _) in examples)
            foreach (var feature in features)
                ids.TryAdd(feature, ids.Count);
        vocabulary = ids.ToFrozenDictionary();

        var counts = new double[ids.Count * classCount];
        var totals = new double[classCount];
        var perClass = new int[classCount];
        foreach (var (features, label) in examples)
        {
            perClass[label]++;
            foreach (var feature in features)
            {
                counts[ids[feature] * classCount + label]++;
                totals[label]++;
            }
        }
        logPriors = perClass.Select(n => (float)Math.Log((n + smoothing) / (examples.Count + smoothing * classCount))).ToArray();
        // most (feature, class) counts are zero: their log-likelihood depends on the class only
        var logDenominators = totals.Select(t => Math.Log(t + smoothing * ids.Count)).ToArray();
        var unseen = logDenominators.Select(d => (float)(Math.Log(smoothing) - d)).ToArray();
        logLikelihoods = new float[counts.Length];
        for (var f = 0; f < ids.Count; f++)
            for (var c = 0; c < classCount; c++)
            {
                var count = counts[f * classCount + c];
                logLikelihoods[f * classCount + c] = count == 0 ? unseen[c] : (float)(Math.Log(count + smoothing) - logDenominators[c]);
            }
    }

    public int ClassCount { get; }

    /// <summary>
    /// Writes each class's posterior probability to <paramref name="posteriors"/> and returns how
    /// many of the features were seen in training (0: the posteriors are only the priors).
    /// </summary>
    public int Posteriors(ReadOnlySpan<ulong> features, Span<float> posteriors)
    {
        posteriors = posteriors[..ClassCount];
        logPriors.CopyTo(posteriors);
        var known = 0;
        foreach (var feature in features)
        {
            if (!vocabulary.TryGetValue(feature, out var id)) continue;
            known++;
            Add(posteriors, logLikelihoods.AsSpan(id * ClassCount, ClassCount));
        }
        Softmax(posteriors);
        return known;
    }

    private static void Add(Span<float> sums, ReadOnlySpan<float> row)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= sums.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(sums[i..]) + new Vector<float>(row[i..])).CopyTo(sums[i..]);
        for (; i < sums.Length; i++) sums[i] += row[i];
    }

    private static void Softmax(Span<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var x in logits) max = Math.Max(max, x);
        var sum = 0f;
        for (var i = 0; i < logits.Length; i++) sum += logits[i] = MathF.Exp(logits[i] - max);
        for (var i = 0; i < logits.Length; i++) logits[i] /= sum;
    }
}

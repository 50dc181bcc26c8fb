using MMForge.Records;

namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// Classifies an instruction into the taxonomy offline, with no model: multinomial naive Bayes
/// (<see cref="NaiveBayesModel"/>) over English word and Chinese character n-grams
/// (<see cref="InstructionFeatures"/>), trained on labelled seed instructions when constructed
/// (milliseconds for the embedded set), with <see cref="KeywordRules"/> as the fallback.
/// Two models decide in turn: one over L2 nodes picks the capability, then one over leaves picks
/// the instruction type among that node's leaves. Most leaves have only a few examples, and
/// several read alike ("Transcribe text" / "Extract text from image"), so a leaf-only model
/// splits the evidence and was 12 points less accurate at L2 on the held-out seeds. Every leaf's
/// own name is one more training example, so leaves without seeds can still be chosen.
/// Immutable after construction, so one instance serves all threads; a call allocates nothing.
/// </summary>
public sealed class EmbeddedInstructionClassifier : IInstructionClassifier
{
    public const string EmbeddedBy = "embedded";
    public const string KeywordsBy = "keywords";

    /// <summary>The score reported for a keyword match, which is a rule, not a probability.</summary>
    public const double KeywordScore = 0.5;

    /// <summary>
    /// Below this L2 probability a keyword match, when there is one, is trusted over the model.
    /// Naive Bayes is overconfident; on the held-out seeds keywords beat the model below 0.7 and
    /// not above it (docs/taxonomy.md).
    /// </summary>
    public const double LowConfidence = 0.7;

    // Laplace smoothing, chosen on the held-out split (docs/taxonomy.md): the L2 model sees ~30
    // examples a class and tolerates more smoothing than the leaf model's few per class.
    private const double CategorySmoothing = 0.3;
    private const double LeafSmoothing = 0.1;

    private static readonly Lazy<EmbeddedInstructionClassifier> DefaultClassifier =
        new(() => new EmbeddedInstructionClassifier(InstructionTaxonomy.Default, SeedInstructions.Default));

    private readonly NaiveBayesModel categoryModel;
    private readonly NaiveBayesModel leafModel;
    private readonly KeywordRules keywords;
    private readonly TaxonomyNode[] leaves;
    private readonly int[] categoryOfLeaf;

    /// <exception cref="ArgumentException">a seed's path is not a leaf of <paramref name="taxonomy"/>.</exception>
    public EmbeddedInstructionClassifier(InstructionTaxonomy taxonomy, IEnumerable<SeedInstruction> training)
    {
        Taxonomy = taxonomy;
        leaves = [.. taxonomy.Leaves];
        var categories = leaves.Select(l => l.Parent!).Distinct().ToList();
        categoryOfLeaf = leaves.Select(l => categories.IndexOf(l.Parent!)).ToArray();
        var leafIndex = leaves.Select((leaf, i) => (leaf, i)).ToDictionary(p => p.leaf, p => p.i);

        var examples = leaves.Select((leaf, i) => (Features: InstructionFeatures.Of(leaf.Name), Leaf: i)).ToList();
        foreach (var seed in training)
        {
            if (!taxonomy.Nodes.TryGetValue(seed.Path, out var leaf) || !leaf.IsLeaf)
                throw new ArgumentException($"the seed \"{seed.Text}\" is labelled '{seed.Path}', which is not a leaf id of the taxonomy", nameof(training));
            examples.Add((InstructionFeatures.Of(seed.Text), leafIndex[leaf]));
        }
        categoryModel = new NaiveBayesModel(examples.Select(e => (e.Features, categoryOfLeaf[e.Leaf])).ToList(), categories.Count, CategorySmoothing);
        leafModel = new NaiveBayesModel(examples, leaves.Length, LeafSmoothing);
        keywords = new KeywordRules(taxonomy, KeywordRules.Default);
    }

    /// <summary>Trained on the embedded seed set over the embedded taxonomy (built once, on first use).</summary>
    public static EmbeddedInstructionClassifier Default => DefaultClassifier.Value;

    public InstructionTaxonomy Taxonomy { get; }

    public InstructionClassification Classify(ReadOnlySpan<char> instruction)
    {
        var features = new InstructionFeatures(stackalloc ulong[InstructionFeatures.Capacity]);
        features.Add(instruction);
        features.EndText();
        return Decide(features.Features);
    }

    /// <summary>
    /// Classifies the sample's first human turn with its <c>&lt;image&gt;</c> placeholders left
    /// out. The first question is the one that sets the task (later turns are follow-ups and
    /// would blur it); a sample with several task types needs one tag per turn, which is the
    /// caller's choice. <see cref="InstructionClassification.None"/> when there is no human turn.
    /// </summary>
    InstructionTag? IInstructionClassifier.Classify(Sample sample) => ClassifySample(sample) is { IsNone: false } found ? found.ToTag() : null;

    public InstructionClassification ClassifySample(Sample sample)
    {
        var question = IInstructionClassifier.InstructionTurn(sample)?.Value;
        if (question is null) return InstructionClassification.None;
        var features = new InstructionFeatures(stackalloc ulong[InstructionFeatures.Capacity]);
        var rest = question.AsSpan();
        for (var at = rest.IndexOf(Sample.ImageToken, StringComparison.Ordinal); at >= 0; at = rest.IndexOf(Sample.ImageToken, StringComparison.Ordinal))
        {
            features.Add(rest[..at]);
            features.EndText();
            rest = rest[(at + Sample.ImageToken.Length)..];
        }
        features.Add(rest);
        features.EndText();
        return Decide(features.Features);
    }

    private InstructionClassification Decide(ReadOnlySpan<ulong> features)
    {
        Span<float> categories = stackalloc float[categoryModel.ClassCount];
        var known = categoryModel.Posteriors(features, categories);
        var category = ArgMax(categories);
        if (known == 0 || categories[category] < LowConfidence)
        {
            if (keywords.Match(features) is { } leaf) return new InstructionClassification(leaf.Id, KeywordScore, KeywordScore, KeywordsBy);
            if (known == 0) return InstructionClassification.None;
        }

        Span<float> leafPosteriors = stackalloc float[leafModel.ClassCount];
        leafModel.Posteriors(features, leafPosteriors);
        var (best, inCategory) = (-1, 0f);
        for (var l = 0; l < leafPosteriors.Length; l++)
        {
            if (categoryOfLeaf[l] != category) continue;
            inCategory += leafPosteriors[l];
            if (best < 0 || leafPosteriors[l] > leafPosteriors[best]) best = l;
        }
        // the leaf's probability: its category's, times its share among the category's leaves
        var leafScore = categories[category] * (inCategory > 0 ? leafPosteriors[best] / inCategory : 0);
        return new InstructionClassification(leaves[best].Id, leafScore, categories[category], EmbeddedBy);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}

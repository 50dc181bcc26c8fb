namespace MMForge.Tagging.Taxonomy;

/// <summary>Accuracy at each taxonomy level over <see cref="Tested"/> held-out instructions, trained on <see cref="Trained"/>.</summary>
public sealed record HeldOutAccuracy(int Trained, int Tested, double L1, double L2, double L3);

/// <summary>
/// Measures the embedded classifier on seeds it did not learn from. The split is deterministic
/// and stratified by L2 node: within each L2 node, in file order, every
/// <c>fold</c>-th seed is held out and the classifier is trained on the rest.
/// </summary>
public static class ClassifierEvaluation
{
    public const int DefaultFold = 5;

    public static HeldOutAccuracy HeldOut(InstructionTaxonomy taxonomy, IReadOnlyList<SeedInstruction> seeds, int fold = DefaultFold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fold, 2);
        var (train, test) = Split(taxonomy, seeds, fold);
        var classifier = new EmbeddedInstructionClassifier(taxonomy, train);
        var correct = new int[InstructionTaxonomy.LeafLevel + 1];
        foreach (var seed in test)
        {
            var result = classifier.Classify(seed.Text);
            if (result.IsNone) continue;
            var predicted = taxonomy.Get(result.Path);
            var expected = taxonomy.Get(seed.Path);
            for (var level = 1; level <= InstructionTaxonomy.LeafLevel; level++)
                if (predicted.AncestorAt(level) == expected.AncestorAt(level)) correct[level]++;
        }
        double Share(int level) => test.Count == 0 ? 0 : (double)correct[level] / test.Count;
        return new HeldOutAccuracy(train.Count, test.Count, Share(1), Share(2), Share(3));
    }

    /// <summary>Every <paramref name="fold"/>-th seed of each L2 node (the 5th, 10th, ... for 5) is held out.</summary>
    public static (List<SeedInstruction> Train, List<SeedInstruction> Test) Split(InstructionTaxonomy taxonomy, IReadOnlyList<SeedInstruction> seeds, int fold = DefaultFold)
    {
        var (train, test) = (new List<SeedInstruction>(), new List<SeedInstruction>());
        var seenPerCategory = new Dictionary<TaxonomyNode, int>();
        foreach (var seed in seeds)
        {
            var category = taxonomy.Get(seed.Path).AncestorAt(2);
            var index = seenPerCategory.GetValueOrDefault(category) + 1;
            seenPerCategory[category] = index;
            (index % fold == 0 ? test : train).Add(seed);
        }
        return (train, test);
    }
}

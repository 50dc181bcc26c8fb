namespace MMForge.Dedup.Text;

/// <summary>
/// How texts become MinHash signatures and when two signatures count as near-duplicates.
/// The defaults are argued in <c>docs/dedup-text.md</c>; in short:
/// <list type="bullet">
/// <item><b>Character 5-grams</b> of the normalized text: on the LLaVA GPT-4 question+answer
/// samples, one edited word leaves a median Jaccard of 0.97 (0.75 for a bare question), while
/// distinct texts stay below 0.47 (0.65 for bare templated questions). Word 5-grams drop a one-word edit of a question
/// to a median of 0.33, and do not work for Chinese at all.</item>
/// <item><b>120 permutations in 24 bands of 5 rows</b>: the LSH S-curve 1-(1-s^5)^24 has its
/// midpoint near (1/24)^(1/5) = 0.53, well below the 0.7 verification threshold, so a pair at
/// s = 0.7 becomes a candidate with probability 0.988 and at s = 0.75 with 0.9985. Candidates are
/// then verified on their signatures, so the LSH only has to be generous, not exact; 120 is a
/// multiple of the 8 lanes of a 256-bit vector. The estimate's standard error at s = 0.7 is
/// sqrt(0.7 * 0.3 / 120) = 0.042.</item>
/// <item><b>Jaccard threshold 0.7</b>, as Data-Juicer: below it, texts that share a template
/// but differ in content start to match.</item>
/// <item><b>Seed 1</b>, as datasketch and DataTrove; any fixed seed makes signatures reproducible.</item>
/// </list>
/// </summary>
public sealed record MinHashOptions
{
    /// <summary>The number of lanes in a 256-bit vector of uints: permutations come in whole vectors.</summary>
    public const int PermutationMultiple = 8;

    public ShingleKind ShingleKind { get; init; } = ShingleKind.Characters;

    /// <summary>Characters or words per shingle. A text shorter than this is one shingle.</summary>
    public int ShingleSize { get; init; } = 5;

    /// <summary>Signature length: one minimum per permutation. A multiple of <see cref="PermutationMultiple"/>.</summary>
    public int Permutations { get; init; } = 120;

    /// <summary>LSH bands; must divide <see cref="Permutations"/>. Two texts are candidates when all rows of any band agree.</summary>
    public int Bands { get; init; } = 24;

    /// <summary>A candidate pair is kept when the fraction of equal signature values reaches this.</summary>
    public double JaccardThreshold { get; init; } = 0.7;

    /// <summary>Seeds the permutations; the same seed gives the same signatures on every machine.</summary>
    public ulong Seed { get; init; } = 1;

    public int RowsPerBand => Permutations / Bands;

    /// <summary>How many signature values a kept pair must share: the threshold as a count, so it does not hinge on floating-point rounding.</summary>
    public int MinEqualValues => (int)Math.Ceiling(JaccardThreshold * Permutations - 1e-9);

    /// <summary>The probability that a pair of true Jaccard <paramref name="jaccard"/> shares at least one band: 1-(1-s^r)^b.</summary>
    public double CandidateProbability(double jaccard) =>
        1 - Math.Pow(1 - Math.Pow(jaccard, RowsPerBand), Bands);

    /// <summary>Throws when the options cannot work together; the message names the option.</summary>
    public void Validate()
    {
        if (ShingleSize < 1) throw new ArgumentOutOfRangeException(nameof(ShingleSize), ShingleSize, "must be at least 1");
        if (Permutations < PermutationMultiple || Permutations % PermutationMultiple != 0)
            throw new ArgumentOutOfRangeException(nameof(Permutations), Permutations, $"must be a positive multiple of {PermutationMultiple}");
        if (Bands < 1 || Permutations % Bands != 0)
            throw new ArgumentOutOfRangeException(nameof(Bands), Bands, $"must divide the {Permutations} permutations");
        if (JaccardThreshold is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(JaccardThreshold), JaccardThreshold, "must be in (0, 1]");
    }
}

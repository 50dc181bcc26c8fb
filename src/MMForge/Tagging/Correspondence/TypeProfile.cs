namespace MMForge.Tagging.Correspondence;

/// <summary>One image tag of an instruction type's document: how many of the type's seed samples carry it, and its TF-IDF weight.</summary>
public sealed record TagWeight(string Tag, long Count, double Tf, double Idf, double Weight);

/// <summary>
/// An instruction type as the model sees it: its seed samples, whether there are enough of them
/// to score it (<see cref="CorrespondenceOptions.MinSupport"/>), how many distinct tags its
/// seeds carry, and its highest-weighted tags (weight descending, then tag).
/// </summary>
public sealed record TypeProfile(string Type, long SeedSamples, bool Supported, int DistinctTags, IReadOnlyList<TagWeight> Tags);

/// <summary>How often a tag occurs across the supported types' documents, and the IDF that follows.</summary>
public sealed record TagIdf(int Df, double Idf);

/// <summary>What the seed pass saw (see <see cref="CorrespondenceCounts"/> for each count's meaning).</summary>
public sealed record SeedSummary(long Samples, long Used, long WithoutImageTags, long WithoutType, long IgnoredInstructionTags);

/// <summary>One image tag's part in a type's score: its normalised image score, its weight in the type, and their product's share of the score.</summary>
public sealed record TagContribution(string Tag, double ImageScore, double Weight, double Contribution);

/// <summary>How well an image suits one instruction type, with the tags that make it so (largest contribution first).</summary>
public sealed record TypeScore(string Type, double Score, IReadOnlyList<TagContribution> Contributions);

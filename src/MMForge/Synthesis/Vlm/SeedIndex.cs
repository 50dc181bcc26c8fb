using System.Security.Cryptography;
using System.Text;
using MMForge.Filters;
using MMForge.Formats;
using MMForge.Pipeline;
using MMForge.Records;
using MMForge.Tagging;
using MMForge.Tagging.Correspondence;

namespace MMForge.Synthesis.Vlm;

/// <summary>A seed sample usable as a few-shot example: its question, its image and the image's tags (as ids of the index).</summary>
public sealed record SeedExample(string Key, string Question, ImageRef Image, Func<ImageRef, string?> ImageFile, int[] Tags);

/// <summary>
/// The tagged seed set, by instruction type, for few-shot retrieval: for a target image and a
/// type, the seed samples of that type ranked by how alike their image tags are (Jaccard over
/// tag sets; ties to the earlier seed), so the model sees examples about similar pictures. Types
/// are cut to the correspondence model's level. A type keeps at most <c>maxPerType</c> seeds
/// (the first in input order), which bounds memory and retrieval time on a large seed set.
/// </summary>
public sealed class SeedIndex
{
    private readonly Dictionary<string, List<SeedExample>> byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> tagIds = new(StringComparer.Ordinal);

    private SeedIndex() { }

    /// <summary>A digest of every seed kept (key, type, question, tags): the journal is not reused over another seed set.</summary>
    public string Digest { get; private set; } = "";

    public int Count => byType.Values.Sum(list => list.Count);

    public int CountOf(string type) => byType.TryGetValue(type, out var list) ? list.Count : 0;

    /// <summary>Reads the seeds of one or more dataset directories: samples with an image, a question and an instruction type.</summary>
    public static SeedIndex Read(IReadOnlyList<OpenedSource> sources, TypeLevel unit, int maxPerType = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerType, 1);
        var index = new SeedIndex();
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var source in sources)
        {
            var context = SourceContext.ForReading(source);
            foreach (var raw in RecordJob.Guarded(context))
            {
                // a seed whose image leaves its root is no example: its file is never opened
                if (RecordProcessor.DecodeIdentified(raw, source) is not { } sample || RecordProcessor.RefusedImagePath(sample, context) is not null) continue;
                index.Add(sample, unit, maxPerType, image => context.ResolverFor(image).FullPath(image), digest);
            }
        }
        index.Digest = Convert.ToHexStringLower(digest.GetHashAndReset())[..12];
        return index;
    }

    private void Add(Sample sample, TypeLevel unit, int maxPerType, Func<ImageRef, string?> imageFile, IncrementalHash digest)
    {
        if (sample.Images.Count == 0 || IInstructionClassifier.InstructionTurn(sample) is not { } turn) return;
        var question = TurnPairs.QuestionText(turn);
        var type = sample.InstructionTags.Select(t => TypePath.Truncate(t.Path, (int)unit)).FirstOrDefault(t => t is not null);
        if (question.Length == 0 || type is null) return;
        if (!byType.TryGetValue(type, out var list)) byType[type] = list = [];
        if (list.Count >= maxPerType) return;
        var tags = sample.ImageTags.Select(t => Intern(t.Tag)).Distinct().Order().ToArray();
        var key = KeyOf(sample);
        list.Add(new SeedExample(key, question, sample.Images[0], imageFile, tags));
        digest.AppendData(Encoding.UTF8.GetBytes($"{key}\0{type}\0{question}\0{string.Join(',', sample.ImageTags.Select(t => t.Tag))}\n"));
    }

    private int Intern(string tag)
    {
        if (!tagIds.TryGetValue(tag, out var id)) tagIds[tag] = id = tagIds.Count;
        return id;
    }

    /// <summary>
    /// The seeds of <paramref name="type"/> most alike the image tagged <paramref name="imageTags"/>,
    /// best first, at most <paramref name="count"/>, leaving out the seed <paramref name="excludeKey"/>
    /// (the target itself, when the seed set and the input overlap).
    /// </summary>
    public IReadOnlyList<SeedExample> Nearest(string type, IEnumerable<string> imageTags, int count, string excludeKey)
    {
        if (!byType.TryGetValue(type, out var seeds)) return [];
        var target = new HashSet<int>();
        var unknownTags = 0; // tags no seed has still count in the union
        foreach (var tag in imageTags.Distinct(StringComparer.Ordinal))
        {
            if (tagIds.TryGetValue(tag, out var id)) target.Add(id);
            else unknownTags++;
        }
        return seeds
            .Select((seed, order) => (Seed: seed, Order: order, Similarity: Jaccard(seed.Tags, target, unknownTags)))
            .Where(s => s.Seed.Key != excludeKey)
            .OrderByDescending(s => s.Similarity).ThenBy(s => s.Order)
            .Take(count)
            .Select(s => s.Seed)
            .ToList();
    }

    private static double Jaccard(int[] seedTags, HashSet<int> target, int unknownTags)
    {
        var common = seedTags.Count(target.Contains);
        var union = seedTags.Length + target.Count + unknownTags - common;
        return union == 0 ? 0 : (double)common / union;
    }

    /// <summary>The seed key a target sample would have, to keep it out of its own examples.</summary>
    public static string KeyOf(Sample sample) => sample.Source + "/" + sample.Id;
}

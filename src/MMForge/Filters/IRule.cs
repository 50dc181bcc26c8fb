using MMForge.Formats;
using MMForge.Records;

namespace MMForge.Filters;

/// <summary>
/// One named validation rule. A rule may pass a sample, repair it in place (noting what it
/// changed), drop some of its question/answer pairs (which go to the rejects file), or reject it.
/// </summary>
public interface IRule
{
    /// <summary>The name used in rejects, in <c>--enable</c>/<c>--disable</c> and in the manifest.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Whether the rule runs unless switched off (the Infinity-MM format checks do; the optional quality rules do not).</summary>
    bool OnByDefault { get; }

    RuleOutcome Apply(Sample sample, RuleContext context);
}

/// <summary>What a rule did to one sample.</summary>
public sealed record RuleOutcome
{
    public static readonly RuleOutcome Pass = new();

    /// <summary>Set when the whole sample must go to the rejects.</summary>
    public string? RejectReason { get; private init; }

    /// <summary>Set when the rule changed the sample and kept it.</summary>
    public string? Repair { get; private init; }

    /// <summary>Turns the rule removed from the sample (kept in the rejects file so nothing is lost).</summary>
    public IReadOnlyList<Turn> DroppedTurns { get; private init; } = [];

    /// <summary>
    /// The check that rejected, when a rule runs several named checks at once (the image-decode
    /// step reads each image once and reports image-too-small, image-aspect, ... by name).
    /// </summary>
    public string? RejectRule { get; private init; }

    /// <summary>
    /// Turns dropped under names of their own, for a step that runs several checks at once (the
    /// synthesis output step lists each candidate its generator refused, under the refusing check).
    /// </summary>
    public IReadOnlyList<NamedDrop> NamedDrops { get; private init; } = [];

    /// <summary>
    /// Samples that take this one's place in the output, in order, for a step that turns one
    /// sample into others (synthesis packs an image's new pairs into one or more samples).
    /// </summary>
    public IReadOnlyList<Sample> Replacements { get; private init; } = [];

    public static RuleOutcome Reject(string reason) => new() { RejectReason = reason };

    public static RuleOutcome Reject(string rule, string reason) => new() { RejectReason = reason, RejectRule = rule };

    /// <summary>Rejected by the check <paramref name="rule"/>, with turns refused on the way listed as well.</summary>
    public static RuleOutcome Reject(string rule, string reason, IReadOnlyList<NamedDrop> drops) =>
        new() { RejectReason = reason, RejectRule = rule, NamedDrops = drops };

    /// <summary>Replaced by <paramref name="samples"/> (at least one), with refused turns listed.</summary>
    public static RuleOutcome Replaced(IReadOnlyList<Sample> samples, IReadOnlyList<NamedDrop> drops) =>
        samples.Count > 0 ? new() { Replacements = samples, NamedDrops = drops } : throw new ArgumentException("a replaced sample needs at least one replacement", nameof(samples));

    public static RuleOutcome Repaired(string what) => new() { Repair = what };

    public static RuleOutcome Dropped(IReadOnlyList<Turn> turns, string why) =>
        turns.Count == 0 ? Pass : new() { DroppedTurns = turns, Repair = why };
}

/// <summary>Turns a check refused, with the check's name and why.</summary>
public sealed record NamedDrop(string Rule, string Reason, IReadOnlyList<Turn> Turns);

/// <summary>What rules may consult beyond the sample itself.</summary>
public sealed class RuleContext
{
    /// <summary>A context that finds no image file: for work on samples alone (model-free taggers, benchmarks, tests).</summary>
    public static RuleContext NoImageFiles { get; } = new() { ImageFile = _ => null };

    /// <summary>Resolves the sample's images to files (for the image-missing rule).</summary>
    public required Func<ImageRef, string?> ImageFile { get; init; }

    /// <summary>Seed for rules that drop at random, so runs are reproducible.</summary>
    public ulong Seed { get; init; }

    /// <summary>Where the sample was read (rules that act on decisions taken in an earlier pass over the same input find it by this).</summary>
    public RecordLocation? Location { get; init; }

    /// <summary>
    /// The record's number in the stage's whole input, counted before any shard is cut: unlike
    /// <see cref="Location"/>, the same whether the input was written by one process or by shards.
    /// </summary>
    public long RecordNumber { get; init; }

    /// <summary>
    /// A stable key of the sample (its source and id) that, with the seed, fixes every random
    /// choice; made only when a rule asks. Not where it was read: a dataset's data files depend on
    /// how it was written (records per file, how many shards), and the choices must not.
    /// </summary>
    public Func<string> SampleKey { get; init; } = () => "";
}

using MMForge.Records;

namespace MMForge.Filters;

/// <summary>The validation rules in the order they run, with the user's switches applied.</summary>
public sealed class RuleSet
{
    /// <summary>
    /// Every rule in run order: structure first (so pair-dropping rules see a clean dialogue),
    /// then the pair-dropping rules, then the image placeholders (a dropped pair may have held
    /// the placeholder, which the repair puts back), and the file check last.
    /// </summary>
    public static IReadOnlyList<IRule> All() =>
    [
        new EmptyRecordRule(),
        new RoleAlternationRule(),
        new EmptyTurnsRule(),
        new AnswerInQuestionRule(),
        new ShortQuestionRule(),
        new YesNoBalanceRule(),
        new ImageTokenRepairRule(),
        new ImageTokenCountRule(),
        new ImageMissingRule(),
    ];

    public RuleSet(IEnumerable<string>? enable = null, IEnumerable<string>? disable = null)
    {
        var all = All();
        var names = all.Select(r => r.Name).ToHashSet();
        var on = (enable ?? []).ToHashSet();
        var off = (disable ?? []).ToHashSet();
        foreach (var unknown in on.Concat(off).Where(n => !names.Contains(n)))
            throw new ArgumentException($"unknown rule '{unknown}'; rules: {string.Join(", ", names)}");
        Active = all.Where(r => (r.OnByDefault || on.Contains(r.Name)) && !off.Contains(r.Name)).ToList();
    }

    /// <summary>A rule set of exactly these rules, in this order (stages other than validation, such as hashing).</summary>
    public static RuleSet Of(params IRule[] rules) => new(rules);

    private RuleSet(IReadOnlyList<IRule> rules) => Active = rules;

    public IReadOnlyList<IRule> Active { get; }

    /// <summary>The yes/no rule when active: it needs a counting pass before the rules run.</summary>
    public YesNoBalanceRule? Balance => Active.OfType<YesNoBalanceRule>().FirstOrDefault();

    /// <summary>
    /// Runs the active rules on one sample, in place. Returns the rejecting rule and reason,
    /// or null when the sample goes on; pair drops are reported through <paramref name="dropped"/>
    /// (before a rejection, so what a rule refused on the way is listed too). A rule that replaces
    /// the sample by others hands them to <paramref name="replaced"/> and ends the run: the rules
    /// after it would judge a sample that is no longer there.
    /// </summary>
    public (string Rule, string Reason)? Apply(Sample sample, RuleContext context, Action<string, string, IReadOnlyList<Turn>> dropped,
        Action<IReadOnlyList<Sample>>? replaced = null)
    {
        foreach (var rule in Active)
        {
            var outcome = rule.Apply(sample, context);
            foreach (var drop in outcome.NamedDrops) dropped(drop.Rule, drop.Reason, drop.Turns);
            if (outcome.RejectReason is { } reason) return (outcome.RejectRule ?? rule.Name, reason);
            if (outcome.DroppedTurns.Count > 0) dropped(rule.Name, outcome.Repair!, outcome.DroppedTurns);
            if (outcome.Repair is not null) sample.Provenance.Stages.Add("validate:" + rule.Name);
            if (outcome.Replacements.Count > 0)
            {
                if (replaced is null) throw new InvalidOperationException($"rule {rule.Name} replaces samples, but this run has nowhere to put them");
                replaced(outcome.Replacements);
                return null;
            }
        }
        return null;
    }
}

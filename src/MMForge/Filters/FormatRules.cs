using MMForge.Records;

namespace MMForge.Filters;

/// <summary>A sample must carry something to train on: turns, text or annotations.</summary>
public sealed class EmptyRecordRule : IRule
{
    public string Name => "empty-record";
    public string Description => "reject samples with no turns, no text and no annotations";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context) =>
        sample.Turns.Count == 0 && string.IsNullOrWhiteSpace(sample.Text) && sample.Annotations is null or { IsEmpty: true }
            ? RuleOutcome.Reject("the record has no conversation, no text and no annotations")
            : RuleOutcome.Pass;
}

/// <summary>Infinity-MM: roles alternate human/gpt starting with human (after optional system turns) and end on an answer.</summary>
public sealed class RoleAlternationRule : IRule
{
    public string Name => "role-alternation";
    public string Description => "turns must alternate human/gpt, starting with human (after system turns) and ending with gpt";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        var turns = sample.Turns;
        if (turns.Count == 0) return RuleOutcome.Pass;
        var start = TurnPairs.FirstDialogueTurn(turns);
        if (start == turns.Count) return RuleOutcome.Reject("the conversation has only system turns");
        for (var i = start; i < turns.Count; i++)
        {
            var expected = (i - start) % 2 == 0 ? Roles.Human : Roles.Gpt;
            if (turns[i].Role != expected)
                return RuleOutcome.Reject($"turn {i + 1} has role '{turns[i].Role}' where '{expected}' was expected");
        }
        return (turns.Count - start) % 2 == 1
            ? RuleOutcome.Reject($"the last turn ({turns.Count}) is a question without an answer")
            : RuleOutcome.Pass;
    }
}

/// <summary>Infinity-MM: an empty question drops its answer, an empty answer drops its question, nothing left drops the record.</summary>
public sealed class EmptyTurnsRule : IRule
{
    public string Name => "empty-turns";
    public string Description => "drop question/answer pairs where either side is empty; reject the sample if none is left";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context) => PairDrop.Apply(sample,
        (q, a, _) => TurnPairs.QuestionText(q).Length == 0 || string.IsNullOrWhiteSpace(a.Value),
        "empty question or answer");
}

/// <summary>Infinity-MM: insert "&lt;image&gt;\n" at the start of the first question when a sample with images has no placeholder.</summary>
public sealed class ImageTokenRepairRule : IRule
{
    public string Name => "image-token-repair";
    public string Description => "insert one <image> placeholder per image at the start of the first question (or text) when there is none";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        if (sample.Images.Count == 0 || ImageTokens.Count(sample) > 0) return RuleOutcome.Pass;
        var prefix = string.Concat(Enumerable.Repeat(Sample.ImageToken + "\n", sample.Images.Count));
        var first = TurnPairs.FirstDialogueTurn(sample.Turns);
        if (first < sample.Turns.Count) sample.Turns[first].Value = prefix + sample.Turns[first].Value;
        else if (sample.Text is not null) sample.Text = prefix + sample.Text;
        else return RuleOutcome.Pass; // annotation-only samples carry images without text yet
        return RuleOutcome.Repaired($"inserted {sample.Images.Count} <image> placeholder(s)");
    }
}

/// <summary>Infinity-MM: exactly one &lt;image&gt; placeholder per image.</summary>
public sealed class ImageTokenCountRule : IRule
{
    public string Name => "image-token-count";
    public string Description => "the number of <image> placeholders must equal the number of images";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        if (sample.Turns.Count == 0 && sample.Text is null) return RuleOutcome.Pass;
        var tokens = ImageTokens.Count(sample);
        return tokens == sample.Images.Count
            ? RuleOutcome.Pass
            : RuleOutcome.Reject($"{tokens} <image> placeholder(s) for {sample.Images.Count} image(s)");
    }
}

/// <summary>Every image a sample names on disk must exist under its root.</summary>
public sealed class ImageMissingRule : IRule
{
    public string Name => "image-missing";
    public string Description => "reject samples whose image file does not exist under the image root";
    public bool OnByDefault => true;

    public RuleOutcome Apply(Sample sample, RuleContext context)
    {
        foreach (var image in sample.Images)
        {
            if (image.Bytes is not null) continue;
            var file = context.ImageFile(image);
            if (file is not null && !File.Exists(file)) return RuleOutcome.Reject($"image file not found: {file}");
        }
        return RuleOutcome.Pass;
    }
}

internal static class ImageTokens
{
    public static int Count(Sample sample) =>
        sample.Turns.Sum(t => TurnPairs.CountImageTokens(t.Value)) + (sample.Text is null ? 0 : TurnPairs.CountImageTokens(sample.Text));
}

/// <summary>Shared shape of the rules that drop whole question/answer pairs.</summary>
internal static class PairDrop
{
    public static RuleOutcome Apply(Sample sample, Func<Turn, Turn, int, bool> drop, string why)
    {
        if (!TurnPairs.HasDialogue(sample.Turns)) return RuleOutcome.Pass;
        var removed = TurnPairs.RemoveWhere(sample.Turns, drop);
        if (removed.Count == 0) return RuleOutcome.Pass;
        if (!TurnPairs.HasDialogue(sample.Turns))
        {
            sample.Turns.InsertRange(sample.Turns.Count, removed); // keep the record whole in the rejects file
            return RuleOutcome.Reject($"every question/answer pair was dropped ({why})");
        }
        return RuleOutcome.Dropped(removed, $"dropped {removed.Count / 2} pair(s): {why}");
    }
}

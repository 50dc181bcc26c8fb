namespace MMForge.Synthesis.Annotations;

/// <summary>
/// MMInstruct's four instruction types. Each kind of grounded question is one of them, so a user
/// can balance a dataset over the types as MMInstruct did.
/// </summary>
public static class MMInstructTypes
{
    /// <summary>A yes/no question (MMInstruct balances the yes and no answers).</summary>
    public const string Judgement = "judgement";

    /// <summary>A question with four options, answered by the option's letter.</summary>
    public const string MultipleChoice = "multiple-choice";

    /// <summary>A question answered by a word, a number, a box or one sentence.</summary>
    public const string ShortVqa = "short-vqa";

    /// <summary>A question answered by several sentences.</summary>
    public const string LongVqa = "long-vqa";
}

/// <summary>A kind of grounded question: its name (what samples record as the pair's kind) and its MMInstruct type.</summary>
public sealed record QuestionKind(string Name, string MMInstructType)
{
    /// <summary>The key under which each pair in <c>extra.synthesis</c> records its MMInstruct type.</summary>
    public const string MMInstructTypeKey = "mminstruct_type";

    public static readonly QuestionKind Counting = new("counting", MMInstructTypes.ShortVqa);
    public static readonly QuestionKind MultipleChoice = new("multiple-choice", MMInstructTypes.MultipleChoice);
    public static readonly QuestionKind Existence = new("existence", MMInstructTypes.Judgement);
    public static readonly QuestionKind Referring = new("referring", MMInstructTypes.ShortVqa);
    public static readonly QuestionKind RelativePosition = new("relative-position", MMInstructTypes.ShortVqa);
    public static readonly QuestionKind BriefDescription = new("brief-description", MMInstructTypes.ShortVqa);
    public static readonly QuestionKind DetailedObjects = new("detailed-objects", MMInstructTypes.LongVqa);
}

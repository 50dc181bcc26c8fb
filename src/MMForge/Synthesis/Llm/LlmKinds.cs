namespace MMForge.Synthesis.Llm;

/// <summary>
/// The three kinds of instruction data LLaVA-Instruct-158K had a text-only model write from an
/// image's captions and boxes. Each is one model call per image and the
/// <see cref="SynthesizedPair.Kind"/> of the pairs it yields.
/// </summary>
public static class LlmKinds
{
    /// <summary>A multi-turn conversation: several questions about the image, each with its answer.</summary>
    public const string Conversation = "conversation";

    /// <summary>A rich paragraph describing the whole image, asked for by one of a fixed list of instructions.</summary>
    public const string DetailedDescription = "detailed-description";

    /// <summary>One question that needs the image plus background knowledge or reasoning, and its worked answer.</summary>
    public const string ComplexReasoning = "complex-reasoning";

    /// <summary>Every kind, in the order the pairs of one image are packed.</summary>
    public static IReadOnlyList<string> All { get; } = [Conversation, DetailedDescription, ComplexReasoning];

    /// <summary>The journal step of a kind's model call.</summary>
    public static string StepName(string kind) => "llm/" + kind;
}

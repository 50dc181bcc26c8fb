using System.Text.Json.Nodes;

namespace MMForge.Synthesis.Annotations;

/// <summary>One question whose answer follows from an image's annotations alone, and the kind of question it is.</summary>
public sealed record GroundedQuestion(QuestionKind Kind, string Question, string Answer)
{
    /// <summary>The pair as the packer takes it, the kind's MMInstruct type recorded with it so users can balance the types.</summary>
    public SynthesizedPair ToPair() =>
        new(Question, Answer, Kind.Name, Details: new JsonObject { [QuestionKind.MMInstructTypeKey] = Kind.MMInstructType });
}

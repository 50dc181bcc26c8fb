namespace MMForge.Synthesis.Annotations;

/// <summary>One question whose answer follows from an image's annotations alone, and the kind of question it is.</summary>
public sealed record GroundedQuestion(string Kind, string Question, string Answer);

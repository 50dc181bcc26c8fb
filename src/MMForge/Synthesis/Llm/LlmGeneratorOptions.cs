namespace MMForge.Synthesis.Llm;

/// <summary>How <see cref="LlmContextGenerator"/> asks its model; every field is recorded in the run's parameters.</summary>
public sealed record LlmGeneratorOptions
{
    /// <summary>The kinds asked for per image (<see cref="LlmKinds"/>), in packing order; all three by default.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = LlmKinds.All;

    /// <summary>Seed of the choice of each image's description instruction.</summary>
    public ulong Seed { get; init; }

    /// <summary>Sampling temperature: some variety between images, as LLaVA's GPT-4 generations had.</summary>
    public float Temperature { get; init; } = 0.7f;

    /// <summary>Room for a conversation of several detailed answers.</summary>
    public int MaxOutputTokens { get; init; } = 1536;

    /// <summary>Most objects listed in the context (the largest are kept); crowded COCO scenes otherwise cost tokens for tiny boxes.</summary>
    public int MaxObjects { get; init; } = 50;

    /// <summary>Most captions listed in the context; LLaVA gave five per COCO image.</summary>
    public int MaxCaptions { get; init; } = 10;

    /// <summary>Directory whose <c>llm-*.txt</c> files replace the shipped prompt templates; null for the shipped ones.</summary>
    public string? PromptDirectory { get; init; }

    /// <exception cref="ArgumentException">An unknown or repeated kind, or a limit below one.</exception>
    public void Validate()
    {
        if (Kinds.Count == 0) throw new ArgumentException($"the llm generator needs at least one kind: {string.Join(", ", LlmKinds.All)}");
        foreach (var kind in Kinds)
            if (!LlmKinds.All.Contains(kind))
                throw new ArgumentException($"unknown llm generator kind '{kind}'; the kinds are {string.Join(", ", LlmKinds.All)}");
        if (Kinds.Distinct(StringComparer.Ordinal).Count() != Kinds.Count)
            throw new ArgumentException($"an llm generator kind is listed twice: {string.Join(", ", Kinds)}");
        if (!float.IsFinite(Temperature) || Temperature < 0 || Temperature > 2)
            throw new ArgumentException($"the llm generator temperature must be between 0 and 2, not {Temperature}");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutputTokens, 1, nameof(MaxOutputTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxObjects, 1, nameof(MaxObjects));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCaptions, 1, nameof(MaxCaptions));
    }
}

namespace MMForge.Selection;

/// <summary>One source's share of a mix: its name ("*" = every source the mix names nowhere else) and how many of its samples to take.</summary>
public sealed record SourceSampling(string Source, Sampling Sampling, int Line)
{
    public const string Others = "*";
}

/// <summary>One stage mix as a mix file declares it.</summary>
public sealed record MixSpec(string Name, ImageTokenLimit Limit, bool LimitDeclared, long? MaxVisualTokens, IReadOnlyList<SourceSampling> Sources)
{
    /// <summary>The mix <c>mmforge select</c> writes without a mix file: every selected sample, counted under AnyRes-Max-9.</summary>
    public static MixSpec Selected { get; } = new("selected", ImageTokenLimit.Unlimited, false, null, [new SourceSampling(SourceSampling.Others, Sampling.All, 0)]);

    /// <summary>The entry that takes samples of <paramref name="source"/>: its own, else "*", else none.</summary>
    public SourceSampling? EntryFor(string source) =>
        Sources.FirstOrDefault(s => s.Source == source) ?? Sources.FirstOrDefault(s => s.Source == SourceSampling.Others);
}

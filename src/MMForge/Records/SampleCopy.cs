namespace MMForge.Records;

/// <summary>Copies of samples for writers that must present a changed view without touching the original.</summary>
public static class SampleCopy
{
    /// <summary>A new sample sharing the turns, images, tags and extras of <paramref name="s"/> (lists are copied, elements are not).</summary>
    public static Sample Shallow(Sample s)
    {
        var copy = new Sample
        {
            Id = s.Id, IdIsNumber = s.IdIsNumber, Source = s.Source, Text = s.Text,
            Annotations = s.Annotations, Provenance = s.Provenance,
        };
        copy.Images.AddRange(s.Images);
        copy.Turns.AddRange(s.Turns);
        copy.ImageTags.AddRange(s.ImageTags);
        copy.InstructionTags.AddRange(s.InstructionTags);
        foreach (var (k, v) in s.Scores) copy.Scores[k] = v;
        foreach (var (k, v) in s.VisualTokens) copy.VisualTokens[k] = v;
        foreach (var (k, v) in s.Extra) copy.Extra.Set(k, v);
        return copy;
    }
}

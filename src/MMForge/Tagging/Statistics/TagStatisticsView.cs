namespace MMForge.Tagging.Statistics;

/// <summary>How much of the gathered statistics <see cref="TagStatistics.ToJson"/> writes out.</summary>
public sealed record TagStatisticsView
{
    /// <summary>Image tags listed in <c>image_tags</c>, most frequent first.</summary>
    public int TopTags { get; init; } = 50;

    /// <summary>Rows of the tag x type matrix: the most frequent image tags.</summary>
    public int MatrixTags { get; init; } = 30;

    /// <summary>Columns of the matrix: the most frequent instruction types at <see cref="MatrixLevel"/>.</summary>
    public int MatrixTypes { get; init; } = 30;

    /// <summary>Taxonomy level (1, 2 or 3) of the matrix columns; 2 (22 types) reads best on a page.</summary>
    public int MatrixLevel { get; init; } = 2;

    public void Validate()
    {
        if (TopTags < 0 || MatrixTags < 0 || MatrixTypes < 0) throw new ArgumentException("statistics view sizes must be 0 or more");
        if (MatrixLevel is < 1 or > TagStatistics.Levels) throw new ArgumentException($"matrix level must be 1, 2 or 3, not {MatrixLevel}");
    }
}

using System.Text;

namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// The stable id segment of a taxonomy node name: lowercase ASCII letters and digits, every run
/// of other characters turned into one "-", none at the ends. Node names contain "/" (for
/// example "Recognize formulas/ tables/ charts"), so names cannot be joined into a path; slugs can.
/// </summary>
public static class TaxonomySlug
{
    public static string Of(ReadOnlySpan<char> name)
    {
        var slug = new StringBuilder(name.Length);
        var dashPending = false;
        foreach (var c in name)
        {
            var lower = char.ToLowerInvariant(c);
            if (!char.IsAsciiLetterOrDigit(lower))
            {
                dashPending = slug.Length > 0;
                continue;
            }
            if (dashPending) slug.Append('-');
            dashPending = false;
            slug.Append(lower);
        }
        return slug.ToString();
    }
}

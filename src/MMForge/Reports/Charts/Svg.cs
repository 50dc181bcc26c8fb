using System.Globalization;
using System.Net;
using System.Text;

namespace MMForge.Reports.Charts;

/// <summary>
/// Small helpers the SVG charts share: escaping (every string may come from untrusted data),
/// numbers with thousands separators, and the chart frame. Charts draw with fixed sizes and
/// invariant formatting, so the same numbers give the same bytes.
/// </summary>
public static class Svg
{
    public const string Bar = "#4c78a8";
    public const string Muted = "#9aa5b1";
    public const string Ink = "#1f2933";

    /// <summary>HTML/XML-escapes text for element content and attribute values alike.</summary>
    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    /// <summary>A short form for axis ticks: 950, 1.6k, 12.8k, 3.2M.</summary>
    public static string Compact(long value) => Math.Abs(value) switch
    {
        < 1_000 => value.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (value / 1_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => (value / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "M",
    };

    public static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>Coordinates with at most one decimal, invariant.</summary>
    public static string At(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The text shortened to <paramref name="max"/> characters for a label (the full text goes in the tooltip).</summary>
    public static string Clip(string text, int max) =>
        text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1)] + "…";

    public static StringBuilder Open(string chart, string label, double width, double height) =>
        new StringBuilder().Append($"<svg class=\"chart {chart}\" role=\"img\" width=\"{At(width)}\" height=\"{At(height)}\" viewBox=\"0 0 {At(width)} {At(height)}\" aria-label=\"{Escape(label)}\">")
            .Append($"<title>{Escape(label)}</title>");

    public static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    public static void Text(StringBuilder svg, double x, double y, string text, string anchor = "start", string? extra = null) =>
        svg.Append($"<text x=\"{At(x)}\" y=\"{At(y)}\" text-anchor=\"{anchor}\"{(extra is null ? "" : " " + extra)}>{Escape(text)}</text>");

    /// <summary>A rectangle with a tooltip.</summary>
    public static void Rect(StringBuilder svg, double x, double y, double width, double height, string fill, string tooltip, string? extra = null) =>
        svg.Append($"<rect x=\"{At(x)}\" y=\"{At(y)}\" width=\"{At(Math.Max(width, 0))}\" height=\"{At(Math.Max(height, 0))}\" fill=\"{fill}\"{(extra is null ? "" : " " + extra)}><title>{Escape(tooltip)}</title></rect>");
}

using System.Text;
using MMForge.Reports.Charts;

namespace MMForge.Reports;

/// <summary>The gallery: one card per sample with its thumbnails (or placeholders saying why not) and its conversation.</summary>
public static class Gallery
{
    public static string Render(IReadOnlyList<GalleryItem> items)
    {
        var html = new StringBuilder("<div class=\"gallery\">");
        foreach (var item in items)
        {
            html.Append("<div class=\"card\">");
            var meta = $"{item.Source}{(item.Mix is null ? "" : " · " + item.Mix)} · {item.Id}";
            if (item.InstructionTypes.Count > 0) meta += " · " + string.Join(", ", item.InstructionTypes);
            html.Append($"<div class=\"meta\">{Svg.Escape(meta)}</div>");
            foreach (var image in item.Images)
            {
                var size = image.Width is { } w && image.Height is { } h ? $" ({w}×{h})" : "";
                html.Append(image.DataUri is { } uri
                    ? $"<img src=\"{uri}\" alt=\"{Svg.Escape(image.Name)}\" title=\"{Svg.Escape(image.Name + size)}\">"
                    : $"<div class=\"placeholder\">image {Svg.Escape(image.Name)}: {Svg.Escape(image.Missing ?? "not shown")}</div>");
            }
            if (item.ImageTags.Count > 0) html.Append($"<div class=\"meta\">tags: {Svg.Escape(string.Join(", ", item.ImageTags))}</div>");
            foreach (var turn in item.Turns) html.Append($"<div class=\"turn\"><b>{Svg.Escape(turn.From)}:</b> {Svg.Escape(turn.Value)}</div>");
            html.Append("</div>");
        }
        return html.Append("</div>").ToString();
    }
}

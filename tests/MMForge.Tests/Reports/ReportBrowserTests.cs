using MMForge.Reports;
using MMForge.Tests.Support;
using PuppeteerSharp;

namespace MMForge.Tests.Reports;

/// <summary>
/// report.html of a real run opened in headless Chromium (Debian's <c>chromium</c>, installed by
/// test.sh; never a downloaded browser): it renders every section and chart, the gallery images
/// decode, and the page logs no console error and throws nothing.
/// </summary>
public class ReportBrowserTests(SampleRun run) : IClassFixture<SampleRun>
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>Set to a path to keep the screenshot (docs/report.png is made this way).</summary>
    private const string ScreenshotVariable = "MMFORGE_REPORT_SCREENSHOT";

    [Fact]
    public async Task ReportRendersInHeadlessChromiumWithoutErrors()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run ./test.sh, which installs the Debian package chromium");
        using var dir = TestPaths.NewTempDir();
        var report = ReportBuilder.Write(run.Dir, dir.File("out"));
        var errors = new List<string>();

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = dir.File("profile"),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var page = await browser.NewPageAsync();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add("console: " + e.Message.Text); };
        page.PageError += (_, e) => errors.Add("exception: " + e.Message);
        page.RequestFailed += (_, e) => errors.Add("request failed: " + e.Request.Url);
        await page.SetViewportAsync(new ViewPortOptions { Width = 1100, Height = 900 });
        await page.GoToAsync(new Uri(dir.File("out/report.html")).AbsoluteUri, WaitUntilNavigation.Load);

        Assert.Equal("mmforge report: run", await page.GetTitleAsync());
        var sections = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('section')].filter(s => s.querySelector('h2') && s.getBoundingClientRect().height > 0).map(s => s.id)");
        Assert.Equal(ReportPage.Sections.Select(s => s.Id), sections);
        // funnel, rejects, duplicates, L1, L2, top tags, heatmap, text length, visual tokens
        var charts = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('svg.chart').length");
        Assert.Equal(9, charts);
        var drawn = await page.EvaluateExpressionAsync<int>(
            "[...document.querySelectorAll('svg.chart')].filter(s => s.querySelectorAll('rect').length > 0 && s.getBBox().width > 0 && s.getBoundingClientRect().height > 20).length");
        Assert.Equal(charts, drawn);
        var images = await page.EvaluateExpressionAsync<int[]>("[...document.querySelectorAll('.gallery img')].map(i => i.complete ? i.naturalWidth : 0)");
        Assert.Equal(report.Gallery.Sum(g => g.Images.Count), images.Length);
        Assert.All(images, width => Assert.True(width > 0, "every gallery image decodes"));
        Assert.Equal(report.Gallery.Count, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('.gallery .card').length"));
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.scripts.length"));

        var screenshot = Environment.GetEnvironmentVariable(ScreenshotVariable) ?? dir.File("report.png");
        await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot shows a drawn page");
        Assert.Empty(errors);
    }
}

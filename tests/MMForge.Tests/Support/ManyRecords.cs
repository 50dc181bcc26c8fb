using System.Text.Json;
using MMForge.Tests.Cli;

namespace MMForge.Tests.Support;

/// <summary>Many records over the few real data-juicer images, ingested into a dataset: enough work that a process can be killed midway.</summary>
public static class ManyRecords
{
    /// <summary>Writes <paramref name="count"/> one-pair records (record i asks <paramref name="text"/>(i)) and ingests them into DIR/<paramref name="output"/>.</summary>
    /// <param name="sources">When above 0, record i names source "s{i % sources}" (Infinity-MM records); otherwise the records name none (LLaVA records).</param>
    public static void Ingest(TempDir dir, int count, Func<int, (string Question, string Answer)> text, string output = "in", int sources = 0)
    {
        var images = TestPaths.Sample("data-juicer", "images");
        var names = Directory.GetFiles(images).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        File.WriteAllLines(dir.File("in.jsonl"), Enumerable.Range(0, count).Select(i =>
        {
            var record = new Dictionary<string, object>
            {
                ["id"] = $"r{i}", ["image"] = names[i % names.Count]!,
                ["conversations"] = new[] { new { from = "human", value = "<image>\n" + text(i).Question }, new { from = "gpt", value = text(i).Answer } },
            };
            if (sources > 0) record["source"] = $"s{i % sources}";
            return JsonSerializer.Serialize(record);
        }));
        var ingest = CliRunner.Run(dir.Path, "ingest", "in.jsonl", "--image-root", images, "-o", output);
        Assert.True(ingest.ExitCode is 0 or 1, ingest.Stdout + ingest.Stderr);
    }
}

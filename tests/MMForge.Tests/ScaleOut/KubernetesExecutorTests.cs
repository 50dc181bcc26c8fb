using MMForge.Recipes;
using MMForge.Tests.Cli;
using MMForge.Tests.Recipes;
using MMForge.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace MMForge.Tests.ScaleOut;

/// <summary>mmforge run --executor k8s on the example: the plan's stages as Indexed Job manifests, written not applied.</summary>
public sealed class KubernetesExecutorTests
{
    [Fact]
    public void The_example_recipe_becomes_one_job_per_stage_a_merge_job_per_sharded_stage_and_export_count_and_image_jobs_for_validate_and_hash_and_key_and_decide_jobs_for_dedup_and_select_and_reduce_jobs_for_dedup()
    {
        using var dir = TestPaths.NewTempDir();
        ExampleCopy.Into(dir.File("examples"));
        var run = dir.File("run");

        var result = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", run, "--executor", "k8s", "--workers", "4", "--image", "registry.example/mmforge:1", "--claim", "runs",
            "--cpus", "2", "--memory", "2Gi", "--decide-memory", "8Gi");

        Assert.Equal(0, result.ExitCode);
        var files = Directory.GetFiles(Path.Combine(run, "k8s"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(30, files.Count); // 11 stages; ingest, tag, map, synthesize and the three exports sharded with a merge each; validate with counts, records, merge; hash with paths, images, records, merge; dedup with keys, reduce, decide, write, merge; select with keys, decide, write, merge
        Assert.Equal(["01-ingest.yaml", "02-ingest-merge.yaml", "03-validate-counts.yaml", "04-validate.yaml", "05-validate-merge.yaml", "06-hash-paths.yaml", "07-hash-images.yaml", "08-hash.yaml", "09-hash-merge.yaml"], files.Take(9));
        Assert.Equal(["--phase", "counts", "--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "03-validate-counts.yaml")).TakeLast(4));
        Assert.Equal(["--phase", "images", "--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "07-hash-images.yaml")).TakeLast(4));
        Assert.Equal(["--phase", "paths", "--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "06-hash-paths.yaml")).TakeLast(4));
        Assert.Equal(["10-dedup-keys.yaml", "11-dedup-reduce.yaml", "12-dedup-decide.yaml", "13-dedup.yaml", "14-dedup-merge.yaml"], files.Skip(9).Take(5));
        Assert.Equal(["--phase", "keys", "--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "10-dedup-keys.yaml")).TakeLast(4));
        Assert.Equal(["--phase", "reduce", "--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "11-dedup-reduce.yaml")).TakeLast(4));
        Assert.Equal(["--phase", "decide"], Args(Spec(run, "12-dedup-decide.yaml")).TakeLast(2));
        Assert.Equal("1", ((YamlScalarNode)Spec(run, "12-dedup-decide.yaml")["completions"]).Value);
        Assert.Equal(["21-select-keys.yaml", "22-select-decide.yaml", "23-select.yaml", "24-select-merge.yaml", "25-export-llava-onevision.yaml", "26-export-llava-onevision-merge.yaml"], files.Skip(20).Take(6));
        Assert.Equal(["--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "25-export-llava-onevision.yaml")).TakeLast(2));
        Assert.Equal(["merge-shards", Path.Combine(run, "stages", "export-llava-onevision")], Args(Spec(run, "26-export-llava-onevision-merge.yaml")));
        Assert.Equal(["--phase", "decide"], Args(Spec(run, "22-select-decide.yaml")).TakeLast(2));
        Assert.Equal(["--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(Spec(run, "23-select.yaml")).TakeLast(2));
        var spec = Spec(run, "08-hash.yaml");
        Assert.Equal(("Indexed", "4"), (((YamlScalarNode)spec["completionMode"]).Value, ((YamlScalarNode)spec["completions"]).Value));
        Assert.Equal(["--shard", "$(JOB_COMPLETION_INDEX)/4"], Args(spec).TakeLast(2));
        Assert.Equal(dir.File("examples"), ((YamlScalarNode)Container(spec)["workingDir"]).Value);
        YamlMappingNode Requests(string file) => (YamlMappingNode)((YamlMappingNode)Container(Spec(run, file))["resources"])["requests"];
        Assert.Equal(("2", "2Gi"), (((YamlScalarNode)Requests("08-hash.yaml")["cpu"]).Value, ((YamlScalarNode)Requests("08-hash.yaml")["memory"]).Value));
        Assert.Equal("8Gi", ((YamlScalarNode)Requests("22-select-decide.yaml")["memory"]).Value); // the steps that hold every key get their own
        Assert.Equal("2Gi", ((YamlScalarNode)Requests("12-dedup-decide.yaml")["memory"]).Value); // image+text across sources: one group partition at a time
        Assert.Equal("2Gi", ((YamlScalarNode)Requests("10-dedup-keys.yaml")["memory"]).Value);
        Assert.Equal("2Gi", ((YamlScalarNode)Requests("11-dedup-reduce.yaml")["memory"]).Value);
        Assert.True(File.Exists(Path.Combine(run, "params", "ingest.sources.json")), "the files the pods read are written");
        Assert.Empty(RunFile.IsRun(run) ? RunFile.Load(run).Stages : []);
        Assert.Contains("apply them in order", result.Stdout);

        var missing = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", dir.File("other"), "--executor", "k8s", "--claim", "runs");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--image", missing.Stderr);
        var badMemory = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", dir.File("other"), "--executor", "k8s", "--image", "i", "--claim", "runs", "--memory", "8 GB");
        Assert.Equal(2, badMemory.ExitCode);
        Assert.Contains("memory request '8 GB' is not a Kubernetes quantity", badMemory.Stderr);
        var local = CliRunner.Run(dir.File("examples"), "run", "recipe.yaml", "-o", dir.File("other"), "--memory", "8Gi");
        Assert.Equal(2, local.ExitCode);
        Assert.Contains("--cpus, --memory and --decide-memory are for --executor slurm or k8s", local.Stderr);
    }

    private static YamlMappingNode Spec(string run, string file)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(run, "k8s", file))) yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["spec"];
    }

    private static YamlMappingNode Container(YamlMappingNode spec) =>
        (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)spec["template"])["spec"])["containers"])[0];

    private static List<string> Args(YamlMappingNode spec) => ((YamlSequenceNode)Container(spec)["args"]).Select(a => ((YamlScalarNode)a).Value!).ToList();
}

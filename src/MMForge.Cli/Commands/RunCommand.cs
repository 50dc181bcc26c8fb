using System.CommandLine;
using MMForge.Cli.Recipes;
using MMForge.Recipes;

namespace MMForge.Cli.Commands;

/// <summary><c>mmforge run recipe.yaml</c>: every stage of a recipe, skipping those whose parameters and inputs have not changed.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var recipeFile = new Argument<string>("recipe") { Description = "Recipe YAML file: sources, stages with their parameters, outputs (see examples/recipe.yaml and docs/recipes.md)." };
        var output = new Option<string?>("--output", "-o") { Description = "Run directory (default: the recipe's 'output', relative to the recipe file, else out/RECIPE-NAME)." };
        var from = new Option<string?>("--from") { Description = "Rerun this stage and every stage after it even if unchanged (the stages before it must have run)." };
        var until = new Option<string?>("--until") { Description = "Stop after this stage." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the recipe and print, per stage, whether it would run or be skipped and its command line; write nothing." };
        var endpoint = new Option<string[]>("--endpoint") { Description = "Add or replace the recipe's endpoint: an OpenAI-compatible server's base URL (repeatable); the stages' with_endpoint parameters then apply." };
        var model = new Option<string?>("--model") { Description = "Model name for --endpoint." };
        var apiKey = new Option<string?>("--api-key-env") { Description = "Environment variable holding the API key for --endpoint (never printed or stored)." };
        var executor = new Option<string>("--executor")
        {
            Description = "Where the stages run: local = processes on this machine; k8s = Kubernetes Indexed Job manifests per stage and an apply.sh that applies them in order (written, not applied); slurm = one batch job per stage step (job arrays of --workers shard tasks, each its shard from SLURM_ARRAY_TASK_ID, then a merge job), chained with afterok, submitted with sbatch and followed with squeue; the run and recipe folders must be on storage every node sees (docs/scale-out.md).",
            DefaultValueFactory = _ => "local",
        };
        executor.AcceptOnlyFromAmong("local", "slurm", "k8s");
        var image = new Option<string?>("--image") { Description = "k8s: the container image with mmforge as its command." };
        var claim = new Option<string?>("--claim") { Description = "k8s: the PersistentVolumeClaim holding the run directory, mounted at the run directory's path." };
        var recipeClaim = new Option<string?>("--recipe-claim") { Description = "k8s: the claim holding the recipe's folder and its inputs, mounted read-only at the recipe folder's path (default: the run directory's claim, which must then hold it)." };
        var k8sNamespace = new Option<string>("--namespace") { Description = "k8s: namespace of the Jobs.", DefaultValueFactory = _ => "default" };
        var partition = new Option<string?>("--partition") { Description = "slurm: the partition to submit to (default: the cluster's)." };
        var time = new Option<string?>("--time") { Description = "slurm: time limit per job, in Slurm's format (e.g. 2:00:00)." };
        var cpus = new Option<int?>("--cpus") { Description = "slurm: CPUs per task (--cpus-per-task); k8s: the CPU request of every task." };
        cpus.Require(n => n is null or >= 1, "--cpus must be at least 1");
        var memory = new Option<string?>("--memory")
        {
            Description = "slurm: memory per node of every job (--mem, Slurm's syntax: 8G, 500M); k8s: the memory request of every task (a Kubernetes quantity: 8Gi, 500Mi).",
        };
        var decideMemory = new Option<string?>("--decide-memory")
        {
            Description = "slurm, k8s: the memory of the jobs that decide over every shard's keys (and of dedup, select or score run as one task), in --memory's syntax; default --memory. "
                + "A dedup run as one task holds 95-173 bytes per sample; sharded, dedup's decide step holds one partition of linked groups at a time and gets --memory (docs/scale-out.md, \"Sizing shards\").",
        };
        var workers = new Option<int?>("--workers", "-j")
        {
            Description = "Cores (local) or shard tasks (slurm, k8s) to use. On slurm and k8s, stages that take --shard run as this many shard tasks of one thread each, then merge-shards. "
                + "Locally, hash (image decoding) runs as this many shard processes and every other stage as one process of this many threads, which on one machine is faster than shards (docs/benchmarks.md); "
                + "a stage starts once the stages it reads have finished, at most this many processes at once, so independent stages (the exports) run side by side. "
                + "Exports are sharded on slurm and k8s only: on one disk their shards would copy shared images twice. Default: the recipe's workers, one process per stage.",
        };
        workers.Require(n => n is null or >= 1, "--workers must be at least 1");
        var shards = new Option<int?>("--shards")
        {
            Description = "local: run every stage that takes --shard (but the exports) as this many shard processes, each with --workers / this many threads, then merge-shards, "
                + "instead of sharding hash only: for a machine where one process's reader or writer cannot keep its threads busy.",
        };
        shards.Require(n => n is null or >= 1, "--shards must be at least 1");
        var command = new Command("run", "Run a recipe: every stage from raw sources to stage mixes, exports and report.html, as one resumable run. "
            + "A stage whose command line, parameter files and inputs are unchanged since it last ran is skipped; a change reruns that stage and every stage after it.")
        {
            recipeFile, output, from, until, dryRun, executor, workers, shards, partition, time, cpus, memory, decideMemory, image, claim, recipeClaim, k8sNamespace, endpoint, model, apiKey,
        };
        command.SetAction(p =>
        {
            var recipe = RecipeReader.Load(p.GetValue(recipeFile)!);
            if (p.GetValue(endpoint) is { Length: > 0 } urls)
                recipe = recipe.WithEndpoint(new RecipeEndpoint(urls, p.GetValue(model) ?? throw new ArgumentException("--endpoint needs --model NAME"), p.GetValue(apiKey), 0));
            var runDirectory = Path.GetFullPath(p.GetValue(output)
                ?? (recipe.Output is { } declared ? Path.Combine(recipe.Directory, declared) : Path.Combine("out", Path.GetFileNameWithoutExtension(recipe.File))));
            var onCluster = p.GetValue(executor) != "local";
            if (onCluster && p.GetValue(shards) is not null)
                throw new ArgumentException("--shards is for the local executor; on slurm and k8s every stage that takes --shard runs as --workers shard tasks");
            var plan = new StagePlanner(recipe, runDirectory, new StageSharding(p.GetValue(workers), p.GetValue(shards), onCluster)).Plan();
            if (!onCluster && (p.GetValue(cpus) is not null || p.GetValue(memory) is not null || p.GetValue(decideMemory) is not null))
                throw new ArgumentException("--cpus, --memory and --decide-memory are for --executor slurm or k8s; locally --workers sets the cores");
            var slurm = p.GetValue(executor) == "slurm" ? new SlurmOptions(p.GetValue(partition), p.GetValue(time), p.GetValue(cpus), p.GetValue(memory), p.GetValue(decideMemory)) : null;
            var kubernetes = p.GetValue(executor) == "k8s"
                ? new MMForge.ScaleOut.Kubernetes.KubernetesOptions
                {
                    RunName = recipe.Name ?? Path.GetFileNameWithoutExtension(recipe.File), RunDirectory = runDirectory, Namespace = p.GetValue(k8sNamespace)!,
                    Image = p.GetValue(image) ?? throw new ArgumentException("--executor k8s needs --image (the container image running mmforge)"),
                    ClaimName = p.GetValue(claim) ?? throw new ArgumentException("--executor k8s needs --claim (the PersistentVolumeClaim holding the run directory)"),
                    WorkingDirectory = recipe.Directory,
                    ExtraClaims = p.GetValue(recipeClaim) is { } held ? [new MMForge.ScaleOut.Kubernetes.ClaimMount(held, recipe.Directory, ReadOnly: true)] : [],
                    CpuRequest = p.GetValue(cpus)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    MemoryRequest = p.GetValue(memory),
                    DecideMemoryRequest = p.GetValue(decideMemory),
                }
                : null;
            return new RecipeRunner(recipe, runDirectory, plan, Console.Out).Run(new RunRequest(p.GetValue(from), p.GetValue(until), p.GetValue(dryRun), slurm, kubernetes, Processes: onCluster ? 1 : p.GetValue(workers) ?? 1));
        });
        return command;
    }
}

using System.Text;

namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// apply.sh: applies the Job files in order and waits for each Job to complete before the next,
/// stopping at the first that fails or times out. Every value it names is single-quoted.
/// </summary>
internal static class ApplyScript
{
    public static string Text(IReadOnlyList<KubernetesJob> jobs, KubernetesOptions options)
    {
        var text = new StringBuilder();
        text.Append($$"""
            #!/usr/bin/env bash
            # Written by mmforge: runs the Jobs of one mmforge run on Kubernetes, in order.
            # Finished Jobs are kept: running this again leaves completed Jobs as they are (kubectl apply
            # finds them unchanged) and goes on from the first that is not complete. A failed Job stays
            # failed; delete it (kubectl delete job NAME) to run it again.
            set -euo pipefail
            cd "$(dirname "$0")"
            namespace={{Quote(options.Namespace)}}
            timeout_seconds={{options.WaitTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}

            # kubectl wait takes one condition, and a Job that failed never completes: wait for
            # "complete" a little at a time and look for "Failed" between the waits.
            run_job() {
              local file=$1 job=$2 deadline=$((SECONDS + timeout_seconds)) conditions
              kubectl apply --namespace "$namespace" -f "$file"
              until kubectl wait --namespace "$namespace" --for=condition=complete --timeout=30s "job/$job" >/dev/null 2>&1; do
                conditions=$(kubectl get --namespace "$namespace" "job/$job" -o 'jsonpath={.status.conditions[?(@.status=="True")].type}')
                if [[ " $conditions " == *" Failed "* ]]; then
                  echo "job $job failed; see: kubectl describe --namespace $namespace job/$job" >&2
                  exit 1
                fi
                if ((SECONDS >= deadline)); then
                  echo "job $job did not complete within $timeout_seconds s" >&2
                  exit 1
                fi
              done
              echo "job $job complete"
            }


            """);
        foreach (var job in jobs) text.Append($"run_job {Quote(job.FileName)} {Quote(job.Name)}\n");
        return text.ToString();
    }

    /// <summary>A bash word that is exactly <paramref name="value"/>: single quotes, each ' written as '\''.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

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
            timeout={{Quote(options.WaitTimeout)}}

            # kubectl wait takes one condition: wait for complete and for failed at once, stop at the
            # first to return (or time out), then read whether the Job completed.
            run_job() {
              local file=$1 job=$2 complete failed state
              kubectl apply --namespace "$namespace" -f "$file"
              kubectl wait --namespace "$namespace" --for=condition=complete --timeout="$timeout" "job/$job" >/dev/null 2>&1 &
              complete=$!
              kubectl wait --namespace "$namespace" --for=condition=failed --timeout="$timeout" "job/$job" >/dev/null 2>&1 &
              failed=$!
              wait -n || true
              kill "$complete" "$failed" 2>/dev/null || true
              wait || true
              state=$(kubectl get --namespace "$namespace" "job/$job" -o 'jsonpath={.status.conditions[?(@.type=="Complete")].status}')
              if [[ $state != True ]]; then
                echo "job $job did not complete; see: kubectl describe --namespace $namespace job/$job" >&2
                exit 1
              fi
              echo "job $job complete"
            }


            """);
        foreach (var job in jobs) text.Append($"run_job {Quote(job.FileName)} {Quote(job.Name)}\n");
        return text.ToString();
    }

    /// <summary>A bash word that is exactly <paramref name="value"/>: single quotes, each ' written as '\''.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

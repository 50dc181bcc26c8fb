using System.Text.RegularExpressions;

namespace MMForge.ScaleOut.Kubernetes;

/// <summary>
/// The name rules of the Kubernetes API (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
/// and .../labels/#syntax-and-character-set): names mmforge makes up (Jobs, files) are sanitised into
/// them; names the user gives for objects that must already exist (namespace, claims) and labels are
/// checked, since a sanitised claim name would point at another claim.
/// </summary>
public static partial class KubernetesNames
{
    /// <summary>Longest DNS-1123 label: namespaces, label values, label-name parts.</summary>
    public const int MaxLabel = 63;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelPart();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotLabelCharacters();

    // resource.Quantity: a decimal number with an optional binary (Ki..Ei), decimal (m, k, M..E) or exponent suffix
    [GeneratedRegex("^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$")]
    private static partial Regex Quantity();

    public static bool IsDnsLabel(string name) => name.Length <= MaxLabel && DnsLabel().IsMatch(name);

    public static bool IsDnsSubdomain(string name) => name.Length <= 253 && DnsSubdomain().IsMatch(name);

    /// <summary>
    /// Lower case, every run of other characters one '-', no '-' at either end, at most
    /// <paramref name="maxLength"/> characters; <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string Sanitize(string text, int maxLength, string fallback)
    {
        var name = NotLabelCharacters().Replace(text.ToLowerInvariant(), "-").Trim('-');
        if (name.Length > maxLength) name = name[..maxLength].TrimEnd('-');
        return name.Length > 0 ? name : fallback;
    }

    public static string CheckDnsLabel(string name, string what) =>
        IsDnsLabel(name) ? name : throw new ArgumentException($"{what} '{name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most {MaxLabel})");

    public static string CheckDnsSubdomain(string name, string what) =>
        IsDnsSubdomain(name) ? name : throw new ArgumentException($"{what} '{name}' is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)");

    public static void CheckLabel(string key, string value)
    {
        var slash = key.LastIndexOf('/');
        var name = key[(slash + 1)..];
        var keyValid = name.Length <= MaxLabel && LabelPart().IsMatch(name) && (slash < 0 || IsDnsSubdomain(key[..slash]));
        if (!keyValid) throw new ArgumentException($"label key '{key}' is not a valid Kubernetes label key ([prefix/]name, name at most {MaxLabel} of letters, digits, '-', '_', '.')");
        if (value.Length > MaxLabel || (value.Length > 0 && !LabelPart().IsMatch(value)))
            throw new ArgumentException($"label '{key}': value '{value}' is not a valid Kubernetes label value (at most {MaxLabel} of letters, digits, '-', '_', '.')");
    }

    public static string CheckQuantity(string quantity, string what) =>
        Quantity().IsMatch(quantity) ? quantity : throw new ArgumentException($"{what} '{quantity}' is not a Kubernetes quantity (e.g. 2, 500m, 4Gi)");
}

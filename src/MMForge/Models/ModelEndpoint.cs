namespace MMForge.Models;

/// <summary>
/// One OpenAI-compatible server (vLLM, SGLang, LMDeploy, Ollama, llama.cpp server, a hosted API).
/// The API key is never part of the configuration: <see cref="ApiKeyVariable"/> names the
/// environment variable that holds it, so configs, logs and caches can be shared safely.
/// </summary>
/// <param name="BaseUrl">The API root that <c>/chat/completions</c> is appended to, e.g. <c>http://gpu1:8000/v1</c>.</param>
/// <param name="Model">The model name the server expects in the request.</param>
/// <param name="ApiKeyVariable">Name of the environment variable holding the key; null for servers started without one.</param>
public sealed record ModelEndpoint(Uri BaseUrl, string Model, string? ApiKeyVariable = null)
{
    public Uri BaseUrl { get; } = CheckUrl(BaseUrl);

    public string Model { get; } = string.IsNullOrWhiteSpace(Model)
        ? throw new ArgumentException("a model endpoint needs a model name", nameof(Model))
        : Model;

    public string? ApiKeyVariable { get; } = ApiKeyVariable is { } name && string.IsNullOrWhiteSpace(name)
        ? throw new ArgumentException("the API key variable name is empty; leave it null for servers without a key", nameof(ApiKeyVariable))
        : ApiKeyVariable;

    /// <summary>How the endpoint is named in logs and errors: scheme, host, port and path only.</summary>
    public string DisplayName => BaseUrl.GetLeftPart(UriPartial.Path);

    /// <summary>Reads the key from the environment; the message of a failure names the variable, never a value.</summary>
    internal string? ReadApiKey()
    {
        if (ApiKeyVariable is null) return null;
        var key = Environment.GetEnvironmentVariable(ApiKeyVariable);
        return string.IsNullOrEmpty(key)
            ? throw new InvalidOperationException($"model endpoint {DisplayName}: environment variable {ApiKeyVariable} (its API key) is not set")
            : key;
    }

    private static Uri CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"model endpoint URL must be absolute http(s): {url}", nameof(BaseUrl));
        // Credentials in the URL would end up in logs and error messages; the key belongs in a variable.
        if (url.UserInfo.Length > 0)
            throw new ArgumentException("model endpoint URL must not carry credentials; name an API key variable instead", nameof(BaseUrl));
        return url;
    }
}

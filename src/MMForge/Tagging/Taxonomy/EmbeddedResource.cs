namespace MMForge.Tagging.Taxonomy;

/// <summary>Opens the files shipped inside the MMForge assembly (see MMForge.csproj).</summary>
internal static class EmbeddedResource
{
    public static Stream Open(string logicalName) =>
        typeof(EmbeddedResource).Assembly.GetManifestResourceStream(logicalName)
        ?? throw new InvalidOperationException($"the MMForge assembly was built without its resource {logicalName}");
}

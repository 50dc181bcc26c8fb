namespace MMForge.Formats.Containers;

// Placeholder until the WebDataset reader lands; replaced wholesale by that work.
public static class WebDataset
{
    public static OpenedSource Open(SourceRequest request, FormatRegistry registry) =>
        throw new FormatException($"{request.Path}: tar input is not supported yet");
}

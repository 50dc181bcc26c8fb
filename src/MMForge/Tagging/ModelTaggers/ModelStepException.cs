namespace MMForge.Tagging.ModelTaggers;

/// <summary>
/// A sample a model-backed tagger could not handle (the model failed after its retries, or the
/// image could not be read): the tag stage rejects that sample under <see cref="Rule"/> and goes
/// on; a rerun retries it, and the answered calls come from the cache.
/// </summary>
public sealed class ModelStepException(string rule, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Rule { get; } = rule;
}

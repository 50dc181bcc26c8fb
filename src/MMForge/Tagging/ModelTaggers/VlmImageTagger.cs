using MMForge.Models;
using MMForge.Records;

namespace MMForge.Tagging.ModelTaggers;

/// <summary>What a VLM saw in one image: the tags kept and the words that are not in the vocabulary.</summary>
public sealed record VlmTagResult(IReadOnlyList<ImageTag> Tags, IReadOnlyList<string> UnknownWords, bool FromCache);

/// <summary>
/// Tags an image by asking a vision model what it shows, then keeps only the words that map onto
/// the RAM++ vocabulary, so its tags mix with RAM++'s own. The prompt is <see cref="PromptTemplate"/>;
/// structured output (<c>{"tags": [...]}</c>) is requested when the server supports it, and the
/// reply is read whatever its shape (JSON, prose around JSON, comma lists, numbered lists).
/// </summary>
public sealed class VlmImageTagger
{
    /// <summary>The <see cref="ImageTag.By"/> of every tag this tagger produces.</summary>
    public const string By = "vlm";

    /// <summary>
    /// The question sent with the image; <c>{max_tags}</c> is replaced by the tag limit. It asks for
    /// the kinds of words RAM++ knows (objects, scenes, attributes, actions) as short singular
    /// nouns, most prominent first, in JSON.
    /// </summary>
    public const string PromptTemplate = """
        List what is visible in this image as tags for an image dataset: objects, people, animals,
        the scene or place, and notable attributes (colours, materials, actions, weather, time of day).
        Each tag is a short lowercase English word or phrase of one to three words, singular, such as
        "dog", "beach", "red car", "sunset". Most prominent first, no duplicates, at most {max_tags} tags.
        Answer with JSON only, in the form {"tags": ["tag", "tag"]}.
        """;

    private readonly ModelClient client;
    private readonly Func<string, string?> resolveTag;
    private readonly string prompt;
    private readonly JsonSchemaFormat schema;
    private long wordsKept, wordsDropped;

    /// <param name="resolveTag">Maps a model's word onto a RAM++ tag (case, plurals, synonyms are its business); null when it has none.</param>
    /// <param name="maxTags">Tags asked for per image.</param>
    public VlmImageTagger(ModelClient client, Func<string, string?> resolveTag, int maxTags = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTags, 1);
        this.client = client;
        this.resolveTag = resolveTag;
        prompt = PromptTemplate.Replace("{max_tags}", maxTags.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        schema = new JsonSchemaFormat("image_tags", $$$"""
            {"type": "object",
             "properties": {"tags": {"type": "array", "items": {"type": "string"}, "maxItems": {{{maxTags}}} }},
             "required": ["tags"], "additionalProperties": false}
            """);
    }

    /// <summary>Words mapped onto the vocabulary so far, over all images.</summary>
    public long WordsKept => Interlocked.Read(ref wordsKept);

    /// <summary>Words dropped so far because the vocabulary has no tag for them.</summary>
    public long WordsDropped => Interlocked.Read(ref wordsDropped);

    /// <summary>Shows the image bytes (JPEG usually) to the model.</summary>
    /// <exception cref="ModelCallException">The model could not be asked (after the client's retries).</exception>
    public Task<VlmTagResult> TagAsync(ReadOnlyMemory<byte> image, string mediaType = "image/jpeg", CancellationToken ct = default) =>
        TagAsync(new ImagePart(image, mediaType), ct);

    /// <summary>Lets the model server fetch the image itself.</summary>
    public Task<VlmTagResult> TagAsync(Uri imageUrl, CancellationToken ct = default) => TagAsync(new ImageUrlPart(imageUrl), ct);

    /// <summary>Shows an image part (<see cref="ImageParts"/>) to the model.</summary>
    public async Task<VlmTagResult> TagAsync(MessagePart image, CancellationToken ct = default)
    {
        var request = new ModelRequest([ModelMessage.User(image, new TextPart(prompt))])
        {
            Temperature = 0,
            MaxOutputTokens = 512,
            ResponseSchema = schema,
        };
        var reply = await client.CompleteAsync(request, ct).ConfigureAwait(false);
        return Resolve(reply);
    }

    private VlmTagResult Resolve(ModelReply reply)
    {
        var tags = new List<ImageTag>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (word, confidence) in TagReplyParser.Parse(reply.Text))
        {
            if (resolveTag(word) is not { } tag)
            {
                unknown.Add(word);
                continue;
            }
            var tagged = new ImageTag(tag, confidence ?? 1.0, By);
            // Two words for one tag ("puppy", "dog"): one tag, at its first place, with the higher score.
            if (positions.TryGetValue(tag, out var at))
            {
                if (tagged.Score > tags[at].Score) tags[at] = tagged;
            }
            else
            {
                positions[tag] = tags.Count;
                tags.Add(tagged);
            }
        }
        Interlocked.Add(ref wordsKept, tags.Count);
        Interlocked.Add(ref wordsDropped, unknown.Count);
        return new VlmTagResult(tags, unknown, reply.FromCache);
    }
}

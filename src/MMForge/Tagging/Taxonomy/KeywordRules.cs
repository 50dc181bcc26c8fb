using System.Collections.Frozen;

namespace MMForge.Tagging.Taxonomy;

/// <summary>
/// The classifier's fallback: words that name a task outright ("read", "chart", "文字"), each
/// mapped to the instruction type it signals. Used when the statistical model has little to go on.
/// A keyword is one or two words, or one or two CJK characters, and is matched as a feature of
/// the text, so "read" does not match inside "bread" and plurals match their singular. When
/// several rules match, the first in the list wins, so more specific rules come first.
/// </summary>
internal sealed class KeywordRules
{
    public static readonly IReadOnlyList<(string LeafId, string[] Keywords)> Default =
    [
        ("fine-grained-perception-single-instance/object-localization/provide-bounding-box",
            ["bounding box", "bbox", "边界", "坐标"]),
        ("logic-reasoning/structuralized-image-text-understanding/parse-charts",
            ["chart", "graph", "plot", "table", "diagram", "flowchart", "axis", "图表", "表格", "柱状", "折线", "饼图", "流程"]),
        ("fine-grained-perception-single-instance/ocr/recognize-text",
            ["read", "written", "text", "ocr", "transcribe", "say", "title", "文字", "写着", "文本", "转录", "识别"]),
        ("coarse-perception/image-quality/assess-overall-quality",
            ["quality", "blurry", "blur", "clarity", "sharp", "exposure", "画质", "清晰", "模糊", "质量"]),
        ("coarse-perception/image-style/other-image-styles",
            ["style", "painting", "artistic", "风格", "画风"]),
        ("coarse-perception/image-emotion/detect-overall-emotion",
            ["emotion", "mood", "feel", "feeling", "情绪", "心情", "表情", "感觉"]),
        ("relation-reasoning/social-relation/identify-family-friendship-professional-hostile-relationships",
            ["relationship", "关系"]),
        ("attribute-reasoning/identity-reasoning/predict-occupation-role-social-status",
            ["occupation", "job", "profession", "职业", "身份"]),
        ("attribute-reasoning/function-reasoning/predict-function-of-objects",
            ["purpose", "function", "used for", "用途", "作用", "用来"]),
        ("logic-reasoning/future-prediction/predict-trend-social-interaction-physical-movement-environmental-changes",
            ["next", "will happen", "predict", "接下", "预测", "将会"]),
        ("fine-grained-perception-single-instance/object-localization/count-objects",
            ["how many", "count", "number of", "多少", "几个", "几只"]),
        ("fine-grained-perception-single-instance/attribute-recognition/recognize-color",
            ["color", "colour", "颜色"]),
        ("fine-grained-perception-cross-instance/spatial-relationship/determine-relative-position",
            ["left", "right", "above", "below", "behind", "左边", "右边", "上面", "下面", "旁边"]),
        ("fine-grained-perception-cross-instance/action-recognition/recognize-human-actions",
            ["doing", "在做", "在干", "动作"]),
        ("fine-grained-perception-single-instance/detect-presence/direct",
            ["is there", "are there", "有没", "是否"]),
        ("fine-grained-perception-single-instance/object-localization/locate-object",
            ["where", "位置", "哪里"]),
        ("coarse-perception/image-scene/identify-weather-condition",
            ["weather", "天气"]),
        ("coarse-perception/image-topic/describe-image",
            ["describe", "caption", "detail", "描述", "介绍"]),
    ];

    private readonly FrozenDictionary<ulong, int> firstRuleByKeyword;
    private readonly TaxonomyNode[] leaves;

    /// <exception cref="ArgumentException">a rule names no leaf, or a keyword is not one or two words or CJK characters.</exception>
    public KeywordRules(InstructionTaxonomy taxonomy, IReadOnlyList<(string LeafId, string[] Keywords)> rules)
    {
        leaves = new TaxonomyNode[rules.Count];
        var byKeyword = new Dictionary<ulong, int>();
        for (var i = 0; i < rules.Count; i++)
        {
            var (leafId, keywords) = rules[i];
            leaves[i] = taxonomy.Nodes.TryGetValue(leafId, out var leaf) && leaf.IsLeaf
                ? leaf
                : throw new ArgumentException($"keyword rule {i}: '{leafId}' is not a leaf id of the instruction taxonomy", nameof(rules));
            foreach (var keyword in keywords) byKeyword.TryAdd(FeatureOf(keyword), i);
        }
        firstRuleByKeyword = byKeyword.ToFrozenDictionary();
    }

    /// <summary>The leaf of the first rule with a keyword among <paramref name="features"/>, or null.</summary>
    public TaxonomyNode? Match(ReadOnlySpan<ulong> features)
    {
        var first = int.MaxValue;
        foreach (var feature in features)
            if (firstRuleByKeyword.TryGetValue(feature, out var rule) && rule < first) first = rule;
        return first == int.MaxValue ? null : leaves[first];
    }

    /// <summary>
    /// The one feature a keyword is found by: its unigram, or for two tokens their bigram. The
    /// first token of a text also pairs with the start-of-text marker, hence 2 and 4 features.
    /// </summary>
    private static ulong FeatureOf(string keyword) => InstructionFeatures.Of(keyword) switch
    {
        [var unigram, _] => unigram,
        [_, _, _, var bigram] => bigram,
        _ => throw new ArgumentException($"keyword '{keyword}' must be one or two words, or one or two CJK characters"),
    };
}

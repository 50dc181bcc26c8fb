namespace MMForge.Tagging.Vocabulary;

/// <summary>
/// Curated phrases RAM++ has no tag for, each mapped onto the RAM++ tag that names the same
/// thing. Only phrases that are not themselves RAM++ tags belong here: a phrase that is a tag
/// ("motorbike", "fridge", "couch") always means that tag. Plurals are added automatically.
/// Besides everyday synonyms, the table maps COCO's 80 category names that RAM++ spells
/// differently, and multi-word names whose words are tags of their own ("teddy bear" is a toy,
/// not a bear; "fire hydrant" is not a fire), which longest-match then prefers.
/// </summary>
public static class TagSynonyms
{
    public static IReadOnlyList<(string Phrase, string Tag)> All { get; } =
    [
        // COCO category names RAM++ spells differently
        ("airplane", "plane"),
        ("fire hydrant", "hydrant"),
        ("suitcase", "luggage"),
        ("potted plant", "houseplant"),
        ("dining table", "table"),
        ("toilet", "toilet bowl"),
        ("tv", "television"),
        ("cell phone", "phone"),
        ("refrigerator", "fridge"),
        ("teddy bear", "teddy"),
        // other names of COCO's objects
        ("aeroplane", "plane"),
        ("cellphone", "phone"),
        ("mobile phone", "phone"),
        ("telephone", "phone"),
        ("smart phone", "smartphone"),
        ("tv set", "television"),
        ("television set", "television"),
        ("bike", "bicycle"),
        ("push bike", "bicycle"),
        ("motor bike", "motorbike"),
        ("sofa", "couch"),
        ("settee", "couch"),
        ("doughnut", "donut"),
        ("hotdog", "hot dog"),
        ("hair dryer", "hair drier"),
        ("blow dryer", "hair drier"),
        ("tennis racquet", "tennis racket"),
        ("racquet", "tennis racket"),
        ("necktie", "tie"),
        ("purse", "handbag"),
        ("rucksack", "backpack"),
        ("computer mouse", "mouse"),
        ("tooth brush", "toothbrush"),
        ("remote control", "remote"),
        ("laptop computer", "laptop"),
        ("stuffed bear", "teddy"),
        ("flower pot", "houseplant"),
        ("coffee table", "table"),
        ("automobile", "car"),
        ("ship", "boat"),
        ("puppy", "dog"),
        ("kitten", "cat"),
        // people
        ("kid", "child"),
        ("lady", "woman"),
        ("guy", "man"),
        // clothing and small things
        ("trousers", "pants"),
        ("eyeglasses", "glasses"),
        ("spectacles", "glasses"),
        ("dish", "dishes"),
    ];
}

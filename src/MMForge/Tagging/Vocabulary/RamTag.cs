namespace MMForge.Tagging.Vocabulary;

/// <summary>
/// One tag of the RAM++ vocabulary. <see cref="Index"/> is the tag's line in the official lists
/// (0-based), the position of its logit in the model's output, so it is stable across releases
/// of mmforge that ship the same lists.
/// </summary>
/// <param name="Name">The English name as RAM++ writes it (the name Infinity-MM's <c>ram++_tags</c> hold).</param>
/// <param name="ChineseName">The line of <c>ram_tag_list_chinese.txt</c>, trimmed: one name or alternatives separated by "/"; several tags can share a name.</param>
/// <param name="Threshold">The per-tag sigmoid threshold of the official inference (0.45..1.0).</param>
public sealed record RamTag(int Index, string Name, string ChineseName, double Threshold);

"""Which shingles separate near-copies from distinct texts in real QA data (docs/dedup-text.md).

For each shingling: the highest Jaccard similarity between two distinct texts, and the Jaccard
between a text and a copy with one random word replaced. Run from the repository root:
    python3 bench/scripts/measure_shingles.py
The normalization mirrors src/MMForge/Dedup/Text/TextNormalizer.cs.
"""
import itertools
import json
import random
import statistics
import unicodedata

SAMPLES = "../shared/samples/LLaVA/playground/data/"
random.seed(1)


def normalize(text):
    out, space = [], False
    for c in text:
        category = unicodedata.category(c)
        if c.isspace() or category == "Cc":
            space = len(out) > 0
            continue
        if category.startswith("P"):
            continue
        if space:
            out.append(" ")
            space = False
        out.append(c.lower())
    return "".join(out)


def chars(text, n):
    t = normalize(text)
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def words(text, n):
    w = normalize(text).split()
    return {" ".join(w[i:i + n]) for i in range(max(1, len(w) - n + 1))}


def jaccard(a, b):
    return len(a & b) / len(a | b)


def distinct(texts):
    seen = {}
    for t in texts:
        seen.setdefault(normalize(t), t)
    return list(seen.values())


qa = [r["instruction"] + "\n" + r["output"] for r in map(json.loads, open(SAMPLES + "coco2014_val_gpt4_qa_30x3.jsonl"))]
questions = {r["question_id"]: r["text"] for r in map(json.loads, open(SAMPLES + "coco2014_val_qa_eval/qa90_questions.jsonl"))}
qa += [questions[r["question_id"]] + "\n" + r["text"] for r in map(json.loads, open(SAMPLES + "coco2014_val_qa_eval/qa90_gpt4_answer.jsonl"))]
vocabulary = [w for t in qa for w in normalize(t).split()]


def edited(text):
    w = text.split(" ")
    w[random.randrange(len(w))] = random.choice(vocabulary)
    return " ".join(w)


print("| shingles | QA: unrelated max | QA: 1-word edit (p10 / median) | questions: unrelated max | questions: 1-word edit (p10 / median) |")
for name, shingle, n in [("char", chars, k) for k in (3, 4, 5, 6)] + [("word", words, k) for k in (1, 3, 5)]:
    cells = []
    for pool in (distinct(qa), distinct(questions.values())):
        sets = [shingle(t, n) for t in pool]
        unrelated = max(jaccard(a, b) for a, b in itertools.combinations(sets, 2))
        edits = sorted(jaccard(shingle(t, n), shingle(edited(t), n)) for t in pool)
        cells += [f"{unrelated:.2f}", f"{edits[len(edits) // 10]:.2f} / {statistics.median(edits):.2f}"]
    print(f"| {name} {n} | " + " | ".join(cells) + " |")

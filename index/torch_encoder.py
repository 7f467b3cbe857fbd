"""The default e5 model run directly in torch: the same vectors as sentence-transformers, a faster start.

Importing sentence-transformers pulls in transformers, scikit-learn, scipy and torch.distributed: about
6 s of a 12 s cold start on the 2-core host, for a model that is twelve plain BERT layers. This module
reads the same model folder (`index/model_setup.py` writes it: a BERT encoder in safetensors, the
tokenizer, mean pooling, prompts) and computes what sentence-transformers computes: token, position and
type embeddings, 12 x (self-attention, feed-forward, post-layer-norm), mean over the real tokens, L2
normalisation. tests/test_torch_encoder.py checks it against sentence-transformers on the same folder.
It is the `torch` backend (the default); `INFOPOINT_EMBEDDER=sentence-transformers` runs the same folder
through the library, and any other model always runs through it (`index/embedder.py`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.embedder import quiet_native_runtime

if TYPE_CHECKING:
    from torch import Tensor

BATCH = 32  # texts per forward pass, sorted by length so that little padding is computed


class TorchE5Encoder:
    """A BERT sentence encoder (mean pooling, normalised) read from a sentence-transformers folder."""

    def __init__(self, folder: Path, model_id: str, batch_size: int = BATCH) -> None:
        quiet_native_runtime()
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        if config.get("model_type") != "bert":
            raise ValueError(f"{folder}: not a BERT model ({config.get('model_type')})")
        self._torch = torch
        self._functional = torch.nn.functional
        self._weights = load_file(str(folder / "model.safetensors"))
        self._layers = int(config["num_hidden_layers"])
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config["layer_norm_eps"])
        sbert = json.loads((folder / "sentence_bert_config.json").read_text())
        self._max_length = int(sbert["max_seq_length"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self._max_length)
        self._pad_id = int(config.get("pad_token_id", 0))
        prompts = json.loads((folder / "config_sentence_transformers.json").read_text()).get("prompts", {})
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = prompts.get("passage", "")
        self.model_id = model_id
        self.dim = int(config["hidden_size"])
        self.batch_size = batch_size

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of questions."""
        return self._encode([self._query_prompt + t for t in texts])

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of answer texts."""
        return self._encode([self._passage_prompt + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self._tokenizer.encode_batch(texts)]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with self._torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                out[chunk] = self._forward([ids[i] for i in chunk]).numpy()
        return out

    def _forward(self, batch: list[list[int]]) -> Tensor:
        torch, w = self._torch, self._weights
        length = max(len(ids) for ids in batch)
        tokens = torch.full((len(batch), length), self._pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), length), dtype=torch.bool)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = True
        hidden = (w["embeddings.word_embeddings.weight"][tokens]
                  + w["embeddings.position_embeddings.weight"][:length]
                  + w["embeddings.token_type_embeddings.weight"][0])
        hidden = self._norm(hidden, "embeddings.LayerNorm")
        attend = mask[:, None, None, :]  # (batch, heads, query, key): padding is never attended to
        for n in range(self._layers):
            hidden = self._layer(hidden, attend, f"encoder.layer.{n}.")
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return self._functional.normalize(pooled, p=2, dim=1)

    def _layer(self, hidden: Tensor, attend: Tensor, prefix: str) -> Tensor:
        functional = self._functional
        batch, length, width = hidden.shape
        head = width // self._heads

        def split(name: str) -> Tensor:
            return self._linear(hidden, prefix + name).view(batch, length, self._heads, head).transpose(1, 2)

        context = functional.scaled_dot_product_attention(
            split("attention.self.query"), split("attention.self.key"), split("attention.self.value"),
            attn_mask=attend, scale=1 / math.sqrt(head))
        context = context.transpose(1, 2).reshape(batch, length, width)
        hidden = self._norm(self._linear(context, prefix + "attention.output.dense") + hidden,
                            prefix + "attention.output.LayerNorm")
        inner = functional.gelu(self._linear(hidden, prefix + "intermediate.dense"))
        return self._norm(self._linear(inner, prefix + "output.dense") + hidden, prefix + "output.LayerNorm")

    def _linear(self, x: Tensor, name: str) -> Tensor:
        return self._functional.linear(x, self._weights[name + ".weight"], self._weights[name + ".bias"])

    def _norm(self, x: Tensor, name: str) -> Tensor:
        return self._functional.layer_norm(x, (x.shape[-1],), self._weights[name + ".weight"],
                                           self._weights[name + ".bias"], self._eps)

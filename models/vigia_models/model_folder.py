"""Small pieces every trainer shares: onnxruntime sessions, the card's time stamp, the
toolchain and training-data summaries, and the files list with hashes."""
from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import sklearn
import skl2onnx

from .feature_sets import FeatureMatrix, sha256_file

CARD_FILE = "card.json"
PARITY_FILE = "parity.json"


def session(model: onnx.ModelProto) -> ort.InferenceSession:
    """One-thread CPU session, as the processor runs its models."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def now_iso(created: str | None = None) -> str:
    if created:
        return created
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def toolchain() -> dict:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skl2onnx": skl2onnx.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "numpy": np.__version__,
    }


def training_summary(fm: FeatureMatrix) -> dict:
    """The card's `training` block (contracts/model-card.ts: TrainingData)."""
    entities = sorted(set(fm.entity.tolist()))
    truth_counts = None
    if fm.truth_kind is not None:
        kinds, counts = np.unique(fm.truth_kind.astype(str), return_counts=True)
        truth_counts = {str(k): int(n) for k, n in zip(kinds, counts)}
    return {
        "file": Path(fm.path).name,
        "sha256": fm.sha256,
        "bytes": fm.bytes,
        "rows": int(len(fm.X)),
        "entities": len(entities),
        "entityIds": entities if len(entities) <= 100 else None,
        "tsMin": int(fm.ts_ms.min()),
        "tsMax": int(fm.ts_ms.max()),
        "truthCounts": truth_counts,
    }


def file_entries(out: Path, names: list[str]) -> list[dict]:
    return [{"path": n, "sha256": sha256_file(out / n), "bytes": (out / n).stat().st_size} for n in names]

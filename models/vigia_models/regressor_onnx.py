"""ONNX graph of a HistGradientBoostingRegressor, written directly (like the Isolation Forest).

skl2onnx 1.20's converter fails on this regressor with onnx 1.23 (it passes numpy booleans as
integer attributes), and its ai.onnx.ml 3 TreeEnsembleRegressor answers float32 only. This
graph uses the ai.onnx.ml 5 `TreeEnsemble` operator instead, which is typed by its input:
double input, float64 thresholds, float64 leaf values, float64 sum. So every split decides
exactly as scikit-learn's predictor (`X[f] <= num_threshold`, both float64; NaN follows
`missing_go_to_left`) and the prediction differs from `predict` only by the order of the
float64 additions (~1e-13).

    X double [N, F] → TreeEnsemble (SUM over trees) → + baseline → Reshape → `expected` double [N]

Opsets: ai.onnx 21, ai.onnx.ml 5 (onnxruntime(-node) 1.30 runs both).
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.ensemble import HistGradientBoostingRegressor

REGRESSOR_OPSET = {"": 21, "ai.onnx.ml": 5}
REGRESSOR_IR_VERSION = 10
INPUT_NAME = "X"
REGRESSOR_OUTPUT = "expected"
_BRANCH_LEQ = 0  # TreeEnsemble nodes_modes


def hgb_regressor_to_onnx(model: HistGradientBoostingRegressor, n_features: int, name: str) -> onnx.ModelProto:
    if getattr(model, "n_trees_per_iteration_", 1) != 1:
        raise ValueError("only single-output regressors are supported")
    if model.is_categorical_ is not None and np.any(model.is_categorical_):
        raise ValueError("categorical splits are not supported; train on numeric features only")
    if model._loss.link.__class__.__name__ != "IdentityLink":
        raise ValueError(f"loss {model.loss!r} has a non-identity link; only identity-link losses are supported")

    roots: list[int] = []
    feature_ids: list[int] = []
    splits: list[float] = []
    missing_true: list[int] = []
    true_ids: list[int] = []
    true_leafs: list[int] = []
    false_ids: list[int] = []
    false_leafs: list[int] = []
    leaf_weights: list[float] = []

    for iteration in model._predictors:
        nodes = iteration[0].nodes
        node_base = len(feature_ids)
        # Interior nodes and leaves are numbered separately in TreeEnsemble.
        interior = np.nonzero(nodes["is_leaf"] == 0)[0]
        leaves = np.nonzero(nodes["is_leaf"] == 1)[0]
        interior_index = {int(i): node_base + k for k, i in enumerate(interior)}
        leaf_index = {int(i): len(leaf_weights) + k for k, i in enumerate(leaves)}
        leaf_weights.extend(float(nodes["value"][i]) for i in leaves)
        if len(interior) == 0:
            # A single-leaf tree: TreeEnsemble roots must be interior nodes, so both branches of
            # a dummy split lead to the one leaf.
            roots.append(node_base)
            feature_ids.append(0)
            splits.append(0.0)
            missing_true.append(0)
            for ids, leafs in ((true_ids, true_leafs), (false_ids, false_leafs)):
                ids.append(leaf_index[0])
                leafs.append(1)
            continue
        if nodes["is_leaf"][0]:
            raise ValueError("unexpected tree layout: a leaf root in a tree with splits")
        roots.append(interior_index[0])
        for i in interior:
            n = nodes[i]
            feature_ids.append(int(n["feature_idx"]))
            splits.append(float(n["num_threshold"]))
            missing_true.append(int(n["missing_go_to_left"]))
            for child, ids, leafs in ((int(n["left"]), true_ids, true_leafs), (int(n["right"]), false_ids, false_leafs)):
                if nodes["is_leaf"][child]:
                    ids.append(leaf_index[child])
                    leafs.append(1)
                else:
                    ids.append(interior_index[child])
                    leafs.append(0)

    ensemble = helper.make_node(
        "TreeEnsemble",
        [INPUT_NAME],
        ["tree_sum"],
        domain="ai.onnx.ml",
        aggregate_function=1,  # SUM
        post_transform=0,  # NONE
        n_targets=1,
        tree_roots=roots,
        nodes_featureids=feature_ids,
        nodes_modes=numpy_helper.from_array(np.full(len(feature_ids), _BRANCH_LEQ, dtype=np.uint8), "nodes_modes"),
        nodes_splits=numpy_helper.from_array(np.asarray(splits, dtype=np.float64), "nodes_splits"),
        nodes_missing_value_tracks_true=missing_true,
        nodes_truenodeids=true_ids,
        nodes_trueleafs=true_leafs,
        nodes_falsenodeids=false_ids,
        nodes_falseleafs=false_leafs,
        leaf_targetids=[0] * len(leaf_weights),
        leaf_weights=numpy_helper.from_array(np.asarray(leaf_weights, dtype=np.float64), "leaf_weights"),
    )
    baseline = float(np.asarray(model._baseline_prediction, dtype=np.float64).ravel()[0])
    graph = helper.make_graph(
        [
            ensemble,
            helper.make_node("Add", ["tree_sum", "baseline"], ["expected_2d"]),
            helper.make_node("Reshape", ["expected_2d", "flat"], [REGRESSOR_OUTPUT]),
        ],
        name,
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.DOUBLE, [None, n_features])],
        [helper.make_tensor_value_info(REGRESSOR_OUTPUT, TensorProto.DOUBLE, [None])],
        initializer=[
            numpy_helper.from_array(np.array([[baseline]], dtype=np.float64), "baseline"),
            numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat"),
        ],
    )
    m = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid(d, v) for d, v in REGRESSOR_OPSET.items()],
        producer_name="vigia_models",
        doc_string="HistGradientBoostingRegressor; output 'expected' = predict(X), float64",
    )
    m.ir_version = REGRESSOR_IR_VERSION
    onnx.checker.check_model(m)
    return m

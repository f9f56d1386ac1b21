"""ONNX graphs of the sensor chain.

- chain.onnx: StandardScaler → KMeans, converted by skl2onnx with float64 input, so the
  cluster label is computed in the same precision as scikit-learn's. Input `X` double
  [N, F]; output `label` int64 [N] (skl2onnx also emits `scores`, the distances, unused).
- iforest-<c>.onnx: one Isolation Forest per cluster as a single ai.onnx.ml
  TreeEnsembleRegressor whose leaf weights are scikit-learn's per-leaf path lengths
  (depth + c(n_leaf)) / (n_trees · c(max_samples)), followed by raw = 2^(−sum).
  That is exactly −IsolationForest.score_samples: higher = more anomalous, in (0, 1].
  skl2onnx's own IsolationForest converter builds ~27 nodes per tree (2 700 for 100 trees)
  and ran ~10× slower here (20–50k rows/s against 250k+), so the forest is written directly.
  The input is cast to float32 and back, as scikit-learn casts X to float32 before walking
  its trees, and the thresholds are kept as float64, so every split decides as it does in
  scikit-learn. Input `X` double [N, F]; output `raw` float32 [N].
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.ensemble import IsolationForest
from sklearn.ensemble._iforest import _average_path_length
from sklearn.pipeline import Pipeline
from skl2onnx import to_onnx
from skl2onnx.common.data_types import DoubleTensorType

# Opsets that onnxruntime(-node) 1.30 runs; TreeEnsembleRegressor with float64 thresholds
# (nodes_values_as_tensor) needs ai.onnx.ml 3.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
IR_VERSION = 8
INPUT_NAME = "X"
CHAIN_OUTPUT = "label"
IFOREST_OUTPUT = "raw"


def chain_to_onnx(pipeline: Pipeline, n_features: int) -> onnx.ModelProto:
    model = to_onnx(
        pipeline,
        initial_types=[(INPUT_NAME, DoubleTensorType([None, n_features]))],
        target_opset=TARGET_OPSET,
    )
    names = [o.name for o in model.graph.output]
    if CHAIN_OUTPUT not in names:
        raise RuntimeError(f"skl2onnx chain graph has outputs {names}, expected '{CHAIN_OUTPUT}'")
    model.ir_version = min(model.ir_version, IR_VERSION)
    model.doc_string = "Vigía sensor chain: StandardScaler → KMeans; output 'label' = cluster id"
    onnx.checker.check_model(model)
    return model


def iforest_to_onnx(forest: IsolationForest, n_features: int, name: str) -> onnx.ModelProto:
    n_trees = len(forest.estimators_)
    denominator = n_trees * float(_average_path_length([forest.max_samples_])[0])
    tree_ids, node_ids, feature_ids, thresholds, modes, true_ids, false_ids = [], [], [], [], [], [], []
    leaf_tree_ids, leaf_node_ids, leaf_weights = [], [], []
    for t, (estimator, features) in enumerate(zip(forest.estimators_, forest.estimators_features_)):
        tree = estimator.tree_
        left, right = tree.children_left, tree.children_right
        depth = np.zeros(tree.node_count, dtype=np.int64)
        for i in range(tree.node_count):  # children always follow their parent in sklearn's arrays
            if left[i] != -1:
                depth[left[i]] = depth[right[i]] = depth[i] + 1
        leaf_path = _average_path_length(tree.n_node_samples.astype(np.float64))
        for i in range(tree.node_count):
            tree_ids.append(t)
            node_ids.append(i)
            if left[i] == -1:
                feature_ids.append(0)
                thresholds.append(0.0)
                modes.append("LEAF")
                true_ids.append(0)
                false_ids.append(0)
                leaf_tree_ids.append(t)
                leaf_node_ids.append(i)
                leaf_weights.append((float(depth[i]) + float(leaf_path[i])) / denominator)
            else:
                feature_ids.append(int(features[tree.feature[i]]))
                thresholds.append(float(tree.threshold[i]))
                modes.append("BRANCH_LEQ")
                true_ids.append(int(left[i]))
                false_ids.append(int(right[i]))
    ensemble = helper.make_node(
        "TreeEnsembleRegressor",
        ["X_f32_as_f64"],
        ["mean_depth"],
        domain="ai.onnx.ml",
        n_targets=1,
        aggregate_function="SUM",
        post_transform="NONE",
        nodes_treeids=tree_ids,
        nodes_nodeids=node_ids,
        nodes_featureids=feature_ids,
        nodes_modes=modes,
        nodes_truenodeids=true_ids,
        nodes_falsenodeids=false_ids,
        nodes_values_as_tensor=numpy_helper.from_array(np.asarray(thresholds, dtype=np.float64), "nodes_values"),
        target_ids=[0] * len(leaf_weights),
        target_treeids=leaf_tree_ids,
        target_nodeids=leaf_node_ids,
        target_weights_as_tensor=numpy_helper.from_array(np.asarray(leaf_weights, dtype=np.float64), "target_weights"),
    )
    nodes = [
        helper.make_node("Cast", [INPUT_NAME], ["X_f32"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["X_f32"], ["X_f32_as_f64"], to=TensorProto.DOUBLE),
        ensemble,
        helper.make_node("Neg", ["mean_depth"], ["neg_depth"]),
        helper.make_node("Pow", ["two", "neg_depth"], ["raw_2d"]),
        helper.make_node("Reshape", ["raw_2d", "flat"], [IFOREST_OUTPUT]),
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.DOUBLE, [None, n_features])],
        [helper.make_tensor_value_info(IFOREST_OUTPUT, TensorProto.FLOAT, [None])],
        initializer=[
            numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
            numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat"),
        ],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid(d, v) for d, v in TARGET_OPSET.items()],
        producer_name="vigia_models",
        doc_string="Isolation Forest; output 'raw' = -score_samples (higher = more anomalous, (0, 1])",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model

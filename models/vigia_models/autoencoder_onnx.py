"""The trade autoencoder's ONNX graph, written node by node in float64 so that onnxruntime-node
and Python's onnxruntime (and numpy) agree far below the 1e-5 parity tolerance:

    x → (x − mean) / scale = z → dense/relu … → ẑ → mean((ẑ − z)²) over features = raw error

The scaler is inside the graph: the processor feeds the feature vectors as they are computed.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.neural_network import MLPRegressor

INPUT_NAME = "features"
OUTPUT_NAME = "reconstruction_error"
AE_OPSET = 17


def autoencoder_to_onnx(mean: np.ndarray, scale: np.ndarray, mlp: MLPRegressor, n_features: int) -> onnx.ModelProto:
    if mlp.activation != "relu" or mlp.out_activation_ != "identity":
        raise ValueError(f"graph supports relu hidden layers and an identity output, got {mlp.activation}/{mlp.out_activation_}")
    inits = [
        numpy_helper.from_array(np.asarray(mean, dtype=np.float64).reshape(1, -1), "mean"),
        numpy_helper.from_array(np.asarray(scale, dtype=np.float64).reshape(1, -1), "scale"),
    ]
    nodes = [helper.make_node("Sub", [INPUT_NAME, "mean"], ["centred"]), helper.make_node("Div", ["centred", "scale"], ["z"])]
    h = "z"
    last = len(mlp.coefs_) - 1
    for i, (W, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        inits += [numpy_helper.from_array(W.astype(np.float64), f"W{i}"), numpy_helper.from_array(b.astype(np.float64).reshape(1, -1), f"b{i}")]
        nodes += [helper.make_node("MatMul", [h, f"W{i}"], [f"mm{i}"]), helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"lin{i}"])]
        if i < last:
            nodes.append(helper.make_node("Relu", [f"lin{i}"], [f"h{i}"]))
            h = f"h{i}"
        else:
            h = f"lin{i}"
    nodes += [
        helper.make_node("Sub", [h, "z"], ["diff"]),
        helper.make_node("Mul", ["diff", "diff"], ["sq"]),
        helper.make_node("ReduceMean", ["sq"], [OUTPUT_NAME], axes=[1], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "trade-autoencoder",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.DOUBLE, [None, n_features])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.DOUBLE, [None])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", AE_OPSET)], producer_name="vigia_models")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def reconstruction_error(mean: np.ndarray, scale: np.ndarray, mlp: MLPRegressor, X: np.ndarray) -> np.ndarray:
    """What the graph computes, with scikit-learn's forward pass (the ONNX check's reference)."""
    z = (X - mean) / scale
    return np.mean((mlp.predict(z) - z) ** 2, axis=1)

"""Vigía model training: fits models on feature sets exported by the TypeScript processor
(`vigia features export`) and writes ONNX files plus a model card. Features are never
recomputed here; the Parquet columns are checked against the feature set instead."""

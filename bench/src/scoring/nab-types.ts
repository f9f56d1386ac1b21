// Shapes shared by the NAB scorer and its loader.

/** One series of a NAB corpus with a detector's output, in file order. */
export interface NabFile {
  /** Corpus-relative name, e.g. `realKnownCause/nyc_taxi.csv`; used in messages and results. */
  readonly name: string;
  /** Row timestamps as written in the file (`YYYY-MM-DD HH:MM:SS[.ffffff]`), in file order. */
  readonly timestamps: readonly string[];
  /** The detector's anomaly score for each row, in [0, 1]. */
  readonly scores: readonly number[];
  /** Labelled anomaly windows `[start, end]`, both inclusive, timestamps present in the file. */
  readonly windows: readonly (readonly [string, string])[];
}

/** A NAB application profile (cost matrix). */
export interface NabProfile {
  /** Credit for detecting a window at its left edge; standard 1.0. */
  readonly tpWeight: number;
  /** Cost of a false positive far from any window; standard 0.11. */
  readonly fpWeight: number;
  /** Cost of a window with no detection; standard 1.0. */
  readonly fnWeight: number;
}

/** How one file scored at the corpus threshold. */
export interface NabFileResult {
  readonly name: string;
  /** Raw (unnormalised) score of this file. */
  readonly raw: number;
  readonly rows: number;
  /** Leading rows ignored as probation. */
  readonly probation: number;
  /** Labelled windows in the file (all count towards the perfect score). */
  readonly windows: number;
  /** Windows with at least one row after probation; only these earn credit or cost. */
  readonly windowsScored: number;
  /** Scored windows with at least one detection. */
  readonly windowsDetected: number;
  /** Detections after probation outside every window. */
  readonly falsePositives: number;
}

/** NAB result of one detector on one corpus under one profile. */
export interface NabCorpusResult {
  /** Normalised score: 0 = never fires, 100 = perfect. */
  readonly score: number;
  /** Corpus threshold (detection = score ≥ threshold); NAB_NO_DETECTION when flagging nothing is best. */
  readonly threshold: number;
  /** Summed raw score of the files at `threshold`. */
  readonly raw: number;
  /** Raw score of the null detector (best of flagging nothing and flagging everything). */
  readonly nullRaw: number;
  /** Whether the null detector's best constant flags every row. */
  readonly nullFlagsEverything: boolean;
  /** tpWeight × number of labelled windows. */
  readonly perfect: number;
  readonly perFile: readonly NabFileResult[];
}

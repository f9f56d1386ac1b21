/** partition → last stream sequence whose effect is inside a state. */
export type LogPosition = Record<string, number>;

/** A domain's state already turned into the text the store keeps, whole or in consecutive pieces. */
export interface SerializedSnapshot {
  text: string | string[];
  format: string;
  version: number;
  seqs: LogPosition;
}

/** A state object as snapshot text (for cores that capture a plain object). */
export function stateAsText(state: { format: string; version: number; seqs: LogPosition }): SerializedSnapshot {
  return { text: JSON.stringify(state), format: state.format, version: state.version, seqs: state.seqs };
}

/**
 * Lengths of a batch's output lists before one message is processed, so a message that throws
 * half-way leaves no partial rows behind (its state changes, if any, stay: the core's state
 * is only ever appended to in log order, and the message becomes a dead letter).
 */
export type RowCheckpoint = number[];

export function checkpointRows(lists: readonly unknown[][]): RowCheckpoint {
  return lists.map((l) => l.length);
}

export function rollbackRows(lists: readonly unknown[][], mark: RowCheckpoint): void {
  lists.forEach((l, i) => {
    l.length = mark[i]!;
  });
}

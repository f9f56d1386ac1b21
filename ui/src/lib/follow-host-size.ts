/**
 * Keeps a chart the size of its host element: one resize per animation frame however many
 * ResizeObserver callbacks arrive. Returns the function that stops following.
 */
export function followHostSize(host: HTMLElement, setSize: (size: { width: number; height: number }) => void): () => void {
  let frame = 0;
  const resize = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => setSize({ width: Math.max(1, host.clientWidth), height: Math.max(1, host.clientHeight) }));
  });
  resize.observe(host);
  return () => {
    cancelAnimationFrame(frame);
    resize.disconnect();
  };
}

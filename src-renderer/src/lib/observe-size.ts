/**
 * Calls `measure` now and whenever one of `elements` changes size; returns the way to stop.
 * Views that draw or virtualize by pixel need their box, and jsdom has no ResizeObserver.
 */
export function observeSize(elements: readonly Element[], measure: () => void): () => void {
  measure();
  if (typeof ResizeObserver === 'undefined') return () => undefined;
  const observer = new ResizeObserver(measure);
  for (const element of elements) observer.observe(element);
  return () => observer.disconnect();
}

/**
 * Collects items as they arrive and hands them over at most once per animation frame: a burst of
 * socket messages costs one update of the page, not one each. A hidden tab gets no animation
 * frames, so a timer flushes too, and its events never pile up.
 */
export function frameBatcher<T>(flush: (batch: T[]) => void, stopped: () => boolean = () => false): (items: readonly T[]) => void {
  let pending: T[] = [];
  let scheduled = false;
  const run = () => {
    if (!scheduled || stopped()) return;
    scheduled = false;
    const batch = pending;
    pending = [];
    flush(batch);
  };
  return (items) => {
    pending.push(...items);
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(run);
    setTimeout(run, 250);
  };
}

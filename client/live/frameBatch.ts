/** Takes items now; `drop` forgets those not handed over yet (what they change has been replaced). */
export interface FrameBatcher<T> {
  (items: readonly T[]): void;
  drop(): void;
}

/**
 * Collects items as they arrive and hands them over at most once per animation frame: a burst of
 * socket messages costs one update of the page, not one each. A hidden tab gets no animation
 * frames, so a timer flushes too, and its events never pile up.
 */
export function frameBatcher<T>(flush: (batch: T[]) => void, stopped: () => boolean = () => false): FrameBatcher<T> {
  let pending: T[] = [];
  let scheduled = false;
  const run = () => {
    if (!scheduled || stopped()) return;
    scheduled = false;
    const batch = pending;
    pending = [];
    flush(batch);
  };
  const push = (items: readonly T[]) => {
    pending.push(...items);
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(run);
    setTimeout(run, 250);
  };
  return Object.assign(push, {
    drop() {
      pending = [];
      scheduled = false;
    },
  });
}

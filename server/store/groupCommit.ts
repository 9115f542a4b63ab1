/**
 * Group commit: requests that arrive while the event loop is busy are written together in one
 * transaction, so under load the store pays one fsync per batch instead of one per request, while
 * every caller still learns of its own commit only after it is durable.
 *
 * Batches are committed strictly one after another, which keeps sequence numbers in arrival order
 * even for an asynchronous store.
 */
export interface GroupCommitter<T, R> {
  submit(item: T): Promise<R>;
  /** Resolves when everything submitted so far has been committed or refused. */
  drain(): Promise<void>;
}

export function createGroupCommitter<T, R>(
  commitBatch: (items: T[]) => Promise<R[]>,
  maxBatch = 2000,
): GroupCommitter<T, R> {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | null = null;

  async function flushAll(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await commitBatch(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        batch.forEach((b) => b.reject(err));
      }
    }
  }

  function schedule(): void {
    if (running) return;
    running = new Promise<void>((resolve) => {
      // setImmediate lets every request already read from the sockets join this batch.
      setImmediate(() => {
        flushAll().finally(() => {
          running = null;
          resolve();
          if (queue.length > 0) schedule();
        });
      });
    });
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}

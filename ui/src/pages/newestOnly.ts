/**
 * Wraps `work` so that it runs for one value at a time: a value given while it runs waits,
 * and only the newest of the values given meanwhile runs next (those in between are
 * skipped). The Users page searches this way at every keystroke, with no fixed delay.
 */
export function newestOnly<T>(work: (value: T) => Promise<void>): (value: T) => Promise<void> {
  let running = false;
  let waiting: { value: T } | null = null;
  return async (value: T) => {
    waiting = { value };
    if (running) return;
    running = true;
    try {
      while (waiting) {
        const { value: newest } = waiting;
        waiting = null;
        await work(newest);
      }
    } finally {
      running = false;
    }
  };
}

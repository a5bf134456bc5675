import { backend } from "./backend";

// Timing marks for the window benchmark (scripts and tests/tests/bench_window.rs read them
// through WebDriver with performance.getEntriesByType). Cheap enough to leave on: a mark is
// a few bytes in the page's performance timeline.

/** Runs `f` once the frame now being prepared has been painted. */
export function afterPaint(f: () => void) {
  requestAnimationFrame(() => setTimeout(f, 0));
}

/** Marks `name` once what was just rendered is on screen. */
export function markPainted(name: string) {
  afterPaint(() => performance.mark(name));
}

/** Records a measure from `start` (a performance.now() time) to the next painted frame. */
export function measureToPaint(name: string, start: number, detail?: unknown) {
  afterPaint(() => performance.measure(name, { start, end: performance.now(), detail }));
}

/**
 * Marks the window's first screen painted and ready for input, and tells the backend: it
 * then starts the work that waited for the window, and `make bench` times a cold start up
 * to it.
 */
export function markReady(screen: string) {
  afterPaint(() => {
    performance.mark(`ld:${screen}-ready`);
    backend.windowReady(screen).catch(() => undefined);
  });
}

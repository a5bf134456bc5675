import { useEffect, useId, useRef, useState } from "react";
import { backend, BackendError, type OnProgress, type ProgressEvent } from "../backend";

/** Work that ends sooner than this after its first report shows no bar: nothing flashes. */
export const SHOW_AFTER_MS = 400;

/** What `watch` gives back when the admin pressed Cancel (the work undid itself). */
export const CANCELLED = Symbol("cancelled");

export type LongWork = {
  /** Runs `work`, handing it the callback that receives its progress; other failures throw. */
  watch: <T>(work: (onProgress: OnProgress) => Promise<T>) => Promise<T | typeof CANCELLED>;
  /** The progress to show, or null while there is nothing worth a bar. */
  shown: ProgressEvent | null;
  cancelling: boolean;
  cancel: () => void;
};

/** Progress of one long command at a time, shown only once it has run for a while. */
export function useLongWork(): LongWork {
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [visible, setVisible] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const timer = useRef<number | null>(null);

  const stopTimer = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
  };
  useEffect(() => stopTimer, []);

  async function watch<T>(work: (onProgress: OnProgress) => Promise<T>): Promise<T | typeof CANCELLED> {
    setProgress(null);
    setVisible(false);
    setCancelling(false);
    stopTimer();
    let started = false;
    try {
      return await work((p) => {
        // The clock starts with the first report, not before a save dialog was answered.
        if (!started) {
          started = true;
          timer.current = window.setTimeout(() => setVisible(true), SHOW_AFTER_MS);
        }
        setProgress(p);
      });
    } catch (e) {
      if (e instanceof BackendError && e.code === "cancelled") return CANCELLED;
      throw e;
    } finally {
      stopTimer();
      setVisible(false);
      setProgress(null);
      setCancelling(false);
    }
  }

  const cancel = () => {
    setCancelling(true);
    void backend.cancelLongWork();
  };

  return { watch, shown: visible ? progress : null, cancelling, cancel };
}

type ViewProps = {
  /** What is happening, e.g. "Importing users". */
  title: string;
  /** The progress bar's accessible name, e.g. "Import progress". */
  label: string;
  /** What is counted, e.g. "rows". */
  unit: string;
  work: LongWork;
};

const count = (n: number) => n.toLocaleString("en-US");

/** A progress bar with "3,200 of 10,000 rows" and Cancel, while long work runs. */
export function ProgressView({ title, label, unit, work }: ViewProps) {
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const p = work.shown;
  const showing = p !== null;
  // The button that started the work is disabled now, so focus is lost: give it to Cancel,
  // where Enter, Space and Escape reach the work.
  useEffect(() => {
    const focused = document.activeElement;
    const lost = focused === null || focused === document.body || (focused as HTMLButtonElement).disabled;
    if (showing && lost) cancel.current?.focus();
  }, [showing]);
  if (!p) return null;
  return (
    <div className="long-work" role="group" aria-labelledby={`${id}-title`}>
      <div className="long-work-head">
        <span id={`${id}-title`} className="long-work-title">
          {work.cancelling ? `${title}: cancelling…` : title}
        </span>
        <span id={`${id}-count`} className="long-work-count">
          {count(p.done)} of {count(p.total)} {unit}
        </span>
        <button
          ref={cancel}
          type="button"
          onClick={work.cancel}
          disabled={work.cancelling}
          aria-describedby={`${id}-title`}
        >
          Cancel
        </button>
      </div>
      <progress aria-label={label} aria-describedby={`${id}-count`} max={Math.max(p.total, 1)} value={p.done} />
    </div>
  );
}

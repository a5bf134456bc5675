import { useState } from "react";
import { isCancelled, type BackendError } from "../backend";

/** A step that talks to the backend: busy while it runs, its failure (not a cancel) kept to be shown. */
export function useStep() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BackendError | null>(null);
  async function step(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      // A native confirmation answered with Cancel: nothing happened, nothing to report.
      if (!isCancelled(e)) setError(e as BackendError);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, step };
}

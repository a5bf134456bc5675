import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { isCancelled, type BackendError } from "../backend";

/**
 * A step that talks to the backend, run as a mutation: busy while it runs, its failure (not a
 * cancel) kept to be shown. The failure is state of its own because the editor also sets and
 * clears it for work that is not a step (a setup save, a reload).
 */
export function useStep() {
  const [error, setError] = useState<BackendError | null>(null);
  const mutation = useMutation({
    mutationFn: (work: () => Promise<void>) => work(),
    onMutate: () => setError(null),
    // A native confirmation answered with Cancel: nothing happened, nothing to report.
    onError: (e) => {
      if (!isCancelled(e)) setError(e as BackendError);
    },
  });
  return { busy: mutation.isPending, error, setError, step: mutation.mutate };
}

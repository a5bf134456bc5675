import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { backend, type BackendError } from "../backend";
import { keys } from "../backend/queries";

/**
 * Rows of the organization file that break a rule LicenseDesk keeps (the file was changed by
 * another program): named once after the sign-in, so that a page failing later is not a
 * mystery. The check reads every seat (about 0.15 s at 100,000 users); it is asked for a
 * moment after the first page, which then is not kept waiting behind it.
 */
export function FileProblems() {
  const [asked, setAsked] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setAsked(true), 1000);
    return () => window.clearTimeout(timer);
  }, []);
  const check = useQuery({ queryKey: keys.fileProblems, queryFn: backend.fileProblems, enabled: asked });
  const problems = check.error
    ? [`The file's rows could not be checked: ${(check.error as BackendError).reason}`]
    : (check.data ?? []);
  if (dismissed || problems.length === 0) return null;
  return (
    <section className="file-problems" role="alert" aria-labelledby="file-problems-title">
      <div>
        <h2 id="file-problems-title">This organization file was changed outside LicenseDesk</h2>
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p>"Verify integrity" on the Audit log page checks the file again.</p>
      </div>
      <button type="button" onClick={() => setDismissed(true)}>
        Dismiss
      </button>
    </section>
  );
}

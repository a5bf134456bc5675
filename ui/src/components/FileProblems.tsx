import { useEffect, useState } from "react";
import { backend, type BackendError } from "../backend";

/**
 * Rows of the organization file that break a rule LicenseDesk keeps (the file was changed by
 * another program): named once after the sign-in, so that a page failing later is not a
 * mystery. The check reads every seat (about 0.15 s at 100,000 users); it is asked for a
 * moment after the first page, which then is not kept waiting behind it.
 */
export function FileProblems() {
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    const timer = window.setTimeout(() => {
      backend
        .fileProblems()
        .then((found) => live && setProblems(found))
        .catch((e: BackendError) => live && setProblems([`The file's rows could not be checked: ${e.reason}`]));
    }, 1000);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, []);
  if (problems.length === 0) return null;
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
      <button type="button" onClick={() => setProblems([])}>
        Dismiss
      </button>
    </section>
  );
}

import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { backend, type OpenFailure } from "../backend";
import { backupDate, REASONS } from "../admin/SettingsPage";
import type { FileAction } from "../App";
import { BrandMark } from "../ui/BrandMark";

type Props = {
  failure: OpenFailure;
  onFile: (action: FileAction) => Promise<void>;
  /** The file was opened again (or restored): show what it is now, with this notice. */
  onReopened: (notice: string | null) => void;
};

/** Shown instead of the sign-in when the organization file cannot be opened. */
export function OpenFailureScreen({ failure, onFile, onReopened }: Props) {
  const [choosing, setChoosing] = useState(false);
  // One step at a time (try again, open, new, restore): busy while it runs, its failure shown.
  const step = useMutation({ mutationFn: (work: () => Promise<void>) => work() });
  const run = step.mutate;
  const busy = step.isPending;
  const error = step.error?.message ?? null;
  // A lock released, a drive connected, permissions fixed: worth one more try.
  const retry = ["locked", "read_only", "missing_folder", "other"].includes(failure.kind);

  const tryAgain = () =>
    run(async () => {
      await backend.reopenOrganizationFile();
      onReopened(null);
    });

  const restore = (fileName: string) =>
    run(async () => {
      const receipt = await backend.restoreDamagedFile(fileName);
      if (receipt)
        onReopened(
          `Restored the backup taken ${backupDate(receipt.restored.created_at)}. The damaged file is kept unchanged as ${receipt.kept_as}. Sign in to go on.`,
        );
    });

  return (
    <main className="signin">
      <section className="signin-card failure" aria-labelledby="failure-title">
        <div className="brand brand-large">
          <BrandMark size={36} />
          <span>LicenseDesk</span>
        </div>
        <h1 id="failure-title">
          {failure.on_server
            ? "The organization on the server cannot be opened"
            : "This organization file cannot be opened"}
        </h1>
        <p className="mono path">{failure.path}</p>
        <p role="alert" className="message message-failure">
          {failure.error.message}
        </p>
        <h2>What to do</h2>
        <p>{failure.advice}</p>
        <div className="failure-actions">
          {failure.backups.length > 0 && (
            <button
              type="button"
              className="primary"
              aria-expanded={choosing}
              disabled={busy}
              onClick={() => setChoosing((c) => !c)}
            >
              Restore a backup…
            </button>
          )}
          {retry && (
            <button type="button" disabled={busy} onClick={tryAgain}>
              Try again
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => run(() => onFile("open"))}>
            Open another file…
          </button>
          <button type="button" disabled={busy} onClick={() => run(() => onFile("new"))}>
            Create a new organization…
          </button>
        </div>
        {choosing && (
          <table className="grid backup-choices">
            <caption>Backups of this file, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Taken</th>
                <th scope="col">Why</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {failure.backups.map((b) => (
                <tr key={b.file_name}>
                  <td>{backupDate(b.created_at)}</td>
                  <td>{REASONS[b.reason]}</td>
                  <td className="actions">
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Restore the backup taken ${backupDate(b.created_at)}`}
                      onClick={() => restore(b.file_name)}
                    >
                      Restore
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {error && (
          <p role="alert" className="message message-failure">
            {error}
          </p>
        )}
      </section>
    </main>
  );
}

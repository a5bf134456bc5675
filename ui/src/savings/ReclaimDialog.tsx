import { useId, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import {
  backend,
  isCancelled,
  PERMISSION,
  type BackendError,
  type ReclaimItem,
  type SavingsLine,
  type SessionInfo,
} from "../backend";
import { useInvalidate } from "../backend/queries";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { formatCents } from "../ui/format";
import { missingPermission, ReadOnlyReason } from "../ui/ReadOnlyReason";

type Choice = "remove" | "step_down";

/** What the step does with a line, as core takes it. */
export function itemOf(line: SavingsLine, choice: Choice | undefined): ReclaimItem {
  if (line.user_id === null) return { kind: "cancel_unassigned", product_id: line.product_id };
  if (choice === "step_down" && line.step_down) {
    return { kind: "step_down", user_id: line.user_id, product_id: line.step_down.product_id };
  }
  return { kind: "remove", user_id: line.user_id };
}

type Props = {
  session: SessionInfo;
  lines: SavingsLine[];
  onClose: () => void;
  onDone: (message: string) => void;
};

/**
 * The guided reclaim step for the chosen lines: export yes or no, remove or step down per
 * user, then the cancellation of the freed seats with its date and the saving per month.
 * "Reclaim" asks the native "Reclaim licenses?" (after the save dialog when exporting).
 */
export function ReclaimDialog({ session, lines, onClose, onDone }: Props) {
  const id = useId();
  const invalidate = useInvalidate();
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(lines.filter((l) => l.user_id !== null).map((l) => [l.key, l.suggested === "step_down" ? "step_down" : "remove"])),
  );
  const [exportFirst, setExportFirst] = useState(false);
  const request = { items: lines.map((l) => itemOf(l, choices[l.key])) };
  const previewQuery = useQuery({
    queryKey: ["reclaim-preview", request],
    queryFn: () => backend.reclaimPreview(request),
  });
  const preview = previewQuery.data ?? null;
  const reclaim = useMutation({
    mutationFn: () => backend.reclaim(request, exportFirst),
    onSuccess: (receipt) => {
      void invalidate.users();
      const exported = receipt.export ? ` Their data was exported to ${receipt.export.path}.` : "";
      onDone(receipt.message + exported);
    },
  });
  const busy = reclaim.isPending;
  const failure = reclaim.error && !isCancelled(reclaim.error) ? reclaim.error : (previewQuery.error as BackendError | null);
  const users = lines.filter((l) => l.user_id !== null);
  const removing = users.some((l) => choices[l.key] !== "step_down");
  const steppingDown = users.some((l) => choices[l.key] === "step_down");
  // Core checks each step's permission; the dialog says beforehand which one is missing.
  const missing =
    (removing || exportFirst ? missingPermission(session, PERMISSION.LicensesRemove) : null) ??
    (steppingDown ? missingPermission(session, PERMISSION.LicensesAssign) : null);

  function onCancel() {
    if (!busy) onClose();
  }

  return (
    <Dialog labelledBy={`${id}-title`} className="dialog dialog-wide" onCancel={onCancel}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>Reclaim licenses</h2>
        <p className="muted">
          {lines.length} line{lines.length === 1 ? "" : "s"} chosen. Everything below happens in one step, or nothing
          does.
        </p>
      </header>
      <div className="dialog-body reclaim">
        {users.length > 0 && (
          <>
            <h3>1. Export their data</h3>
            <label className="check">
              <input
                type="checkbox"
                checked={exportFirst}
                disabled={busy}
                onChange={(e) => setExportFirst(e.target.checked)}
              />
              Export the data of {users.length === 1 ? "this user" : `these ${users.length} users`} first (one ZIP
              file)
            </label>
            <p className="help">
              {removing
                ? "A removal keeps a safety archive of each user for 30 days either way; the export is a copy for you to keep."
                : "A step down keeps every call, voicemail and device; the export is a copy for you to keep."}
            </p>
            <h3>2. Remove or step down</h3>
            <table className="grid compact">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">License</th>
                  <th scope="col">What to do</th>
                </tr>
              </thead>
              <tbody>
                {users.map((l) => (
                  <tr key={l.key}>
                    <th scope="row">{l.user_name}</th>
                    <td>{l.product_name}</td>
                    <td>
                      {l.step_down ? (
                        <select
                          aria-label={`What to do for ${l.user_name}`}
                          value={choices[l.key]}
                          disabled={busy}
                          onChange={(e) => setChoices((c) => ({ ...c, [l.key]: e.target.value as Choice }))}
                        >
                          <option value="remove">Remove license</option>
                          <option value="step_down">
                            Step down to {l.step_down.product_name} ({formatCents(l.step_down.monthly_price_cents)})
                          </option>
                        </select>
                      ) : (
                        "Remove license"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview && (
              <ul className="reclaim-steps" aria-label="What happens">
                {preview.steps
                  .filter((s) => !s.label.startsWith("Unassigned "))
                  .map((s) => (
                    <li key={s.label} className={s.deletes_data ? "deletes" : undefined}>
                      <strong>{s.label}:</strong> {s.outcome}
                    </li>
                  ))}
              </ul>
            )}
          </>
        )}
        <h3>{users.length > 0 ? "3. Cancel the freed seats" : "Cancel the unassigned seats"}</h3>
        {!preview && previewQuery.isFetching && <progress className="busy" aria-label="Checking" />}
        {preview && (
          <>
            <p className="reclaim-summary" aria-label="Cancellation date and saving">
              The seats stay billed until <strong>{preview.effective_on}</strong> (the notice period, then the next
              billing day). From then the monthly total goes from {formatCents(preview.current_total_cents)} to{" "}
              <strong>{formatCents(preview.new_total_cents)}</strong>.
            </p>
            <table className="grid compact" aria-label="Cancellation">
              <thead>
                <tr>
                  <th scope="col">License</th>
                  <th scope="col" className="num">
                    Seats cancelled
                  </th>
                  <th scope="col" className="num">
                    Saving per month
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.cancellations.map((c) => (
                  <tr key={c.product_id}>
                    <th scope="row">{c.product_name}</th>
                    <td className="num">{c.quantity}</td>
                    <td className="num">{formatCents(c.monthly_cents)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total saving per month
                  </th>
                  <td className="num">{formatCents(preview.saving_cents)}</td>
                </tr>
              </tfoot>
            </table>
          </>
        )}
      </div>
      {missing && (
        <div className="dialog-body-note">
          <ReadOnlyReason id={`${id}-locked`} lock={missing} />
        </div>
      )}
      <DialogFooter error={failure?.message ?? null}>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className={removing ? "danger" : "primary"}
          disabled={busy || !preview || missing !== null}
          aria-describedby={missing ? `${id}-locked` : undefined}
          onClick={() => reclaim.mutate()}
        >
          {busy ? "Reclaiming…" : `Reclaim ${formatCents(preview?.saving_cents ?? 0)}/month`}
        </button>
      </DialogFooter>
    </Dialog>
  );
}

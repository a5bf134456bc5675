import { useState } from "react";
import { PERMISSION, type SavingsLine, type SessionInfo } from "../backend";
import { useFailure, useSavings } from "../backend/queries";
import { formatCents } from "../ui/format";
import { missingPermission, LockedPage, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { useNotify } from "../ui/Messages";
import { ReclaimDialog } from "./ReclaimDialog";

/** Rows drawn at once: enough to read and pick from, not 100,000 rows in the page. */
const SHOWN = 500;

/** The accessible name of a line's checkbox: "Select Nora Johnson", "Select unassigned Voice Pro seats". */
export function selectLabel(line: SavingsLine): string {
  return line.user_name ? `Select ${line.user_name}` : `Select unassigned ${line.product_name} seats`;
}

/** Who or what a line is about, as the User column shows it. */
export function lineName(line: SavingsLine): string {
  return line.user_name ?? `Unassigned seats (${line.quantity})`;
}

/**
 * Savings: the seats the organization pays for and does not use, each with what it costs a
 * month; a selection goes through the guided reclaim step (ReclaimDialog).
 */
export function SavingsPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const cannotView = missingPermission(session, PERMISSION.BillingView);
  const cannotManage = missingPermission(session, PERMISSION.BillingManage);
  const query = useSavings(!cannotView);
  useFailure(query.error, notify.failure);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [reclaiming, setReclaiming] = useState<SavingsLine[] | null>(null);

  if (cannotView) return <LockedPage title="Savings" headingId="savings-heading" reasonId="savings-locked" missing={cannotView} />;

  const savings = query.data ?? null;
  const lines = savings?.lines ?? [];
  // A line reclaimed meanwhile (or in another window) drops out of the selection.
  const chosen = lines.filter((l) => selected.has(l.key));
  const chosenCents = chosen.reduce((sum, l) => sum + l.monthly_cost_cents, 0);
  const allChosen = lines.length > 0 && chosen.length === lines.length;

  function toggle(key: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  }

  return (
    <section aria-labelledby="savings-heading">
      <div className="page-head">
        <h1 id="savings-heading">Savings</h1>
        {savings && (
          <p className="muted">
            {lines.length === 0
              ? "Every license you pay for is in use."
              : `${formatCents(savings.total_monthly_cents)} per month goes to licenses nobody uses.`}
          </p>
        )}
        <div className="page-actions">
          <button
            type="button"
            className="primary"
            disabled={chosen.length === 0 || cannotManage !== null}
            aria-describedby={cannotManage ? "savings-manage-locked" : undefined}
            onClick={() => setReclaiming(chosen)}
          >
            Reclaim selected
          </button>
        </div>
      </div>
      {cannotManage && <ReadOnlyReason id="savings-manage-locked" lock={cannotManage} />}
      {savings && lines.length > 0 && (
        <p className="help savings-help">
          Suspended users who still hold a license, users with no calls in the last {savings.idle_days} days (set on the
          Settings page), users whose license includes features they do not use, and seats nobody holds. Select lines
          and reclaim them: export, remove or step down, then cancel the freed seats in one step.
        </p>
      )}
      {query.isPending && <progress className="busy" aria-label="Loading savings" />}
      {savings && lines.length === 0 && (
        <p className="empty">
          Nothing to reclaim: no suspended or idle users hold a license, nobody has more license than they use, and
          every seat is assigned.
        </p>
      )}
      {savings && lines.length > 0 && (
        <table className="grid savings" aria-labelledby="savings-heading">
          <thead>
            <tr>
              <th scope="col" className="select">
                <input
                  type="checkbox"
                  aria-label="Select all lines"
                  checked={allChosen}
                  onChange={(e) => setSelected(e.target.checked ? new Set(lines.map((l) => l.key)) : new Set())}
                />
              </th>
              <th scope="col">User</th>
              <th scope="col">Reason</th>
              <th scope="col">License</th>
              <th scope="col" className="num">
                Monthly cost
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.slice(0, SHOWN).map((l) => (
              <tr key={l.key} className={selected.has(l.key) ? "selected" : undefined}>
                <td className="select">
                  <input
                    type="checkbox"
                    aria-label={selectLabel(l)}
                    checked={selected.has(l.key)}
                    onChange={(e) => toggle(l.key, e.target.checked)}
                  />
                </td>
                <th scope="row" className={l.user_name ? undefined : "muted-name"}>
                  {lineName(l)}
                </th>
                <td>{l.reason}</td>
                <td>{l.product_name}</td>
                <td className="num">{formatCents(l.monthly_cost_cents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <th scope="row" colSpan={3}>
                {chosen.length > 0
                  ? `Selected: ${chosen.length} of ${lines.length} lines (${formatCents(chosenCents)})`
                  : "Total"}
              </th>
              <td className="num" aria-label="Total monthly cost">
                {formatCents(savings.total_monthly_cents)}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
      {lines.length > SHOWN && (
        <p className="muted">
          And {(lines.length - SHOWN).toLocaleString("en-US")} more lines, in the total above; "Select all lines" selects
          them too.
        </p>
      )}
      {reclaiming && (
        <ReclaimDialog
          session={session}
          lines={reclaiming}
          onClose={() => setReclaiming(null)}
          onDone={(message) => {
            setReclaiming(null);
            setSelected(new Set());
            notify.success(message);
          }}
        />
      )}
    </section>
  );
}

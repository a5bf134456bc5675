import { PERMISSION } from "../backend";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { backend, type SessionInfo } from "../backend";
import { formatCents } from "../ui/format";
import { missingPermission, LockedPage, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { useNotify } from "../ui/Messages";
import { SeatChangeForm } from "./SeatChangeForm";
import { useWithdrawCancellation } from "./withdraw";
import { useBillingHistory, useBillingSummary, useCostBreakdown, useFailure, useInventory } from "../backend/queries";
import { CostBreakdownSection } from "./CostBreakdown";

const STATUS_LABELS = { pending: "Pending", withdrawn: "Withdrawn", effective: "Effective" } as const;

export function BillingPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const locked = missingPermission(session, PERMISSION.BillingView);
  const cannotManage = missingPermission(session, PERMISSION.BillingManage);
  const [cancelling, setCancelling] = useState(false);
  const summaryQuery = useBillingSummary(!locked);
  const historyQuery = useBillingHistory(!locked);
  const inventoryQuery = useInventory(!locked);
  const costsQuery = useCostBreakdown(!locked);
  useFailure(summaryQuery.error ?? historyQuery.error ?? inventoryQuery.error ?? costsQuery.error, notify.failure);
  const withdrawal = useWithdrawCancellation();
  const exportHistory = useMutation({
    mutationFn: () => backend.exportBillingHistory(`billing-history-${new Date().toISOString().slice(0, 10)}.csv`),
    // null: the save dialog was cancelled.
    onSuccess: (path) => path && notify.success(`Billing history exported to ${path}.`),
    onError: (e) => notify.failure(e.message),
  });
  // Shown together once all three are read, as one page.
  const loaded = summaryQuery.data && historyQuery.data && inventoryQuery.data && costsQuery.data;
  const summary = loaded ? summaryQuery.data : null;
  const history = (loaded && historyQuery.data) || [];
  const inventory = loaded ? inventoryQuery.data : null;
  const costs = loaded ? costsQuery.data : null;

  if (locked) return <LockedPage title="Billing" headingId="billing-heading" reasonId="billing-view-locked" missing={locked} />;

  return (
    <section aria-labelledby="billing-heading">
      <div className="page-head">
        <h1 id="billing-heading">Billing</h1>
        {summary && (
          <p className="muted">
            Billed monthly on day {summary.billing_day}; cancellations need {summary.notice_period_days} days' notice.
          </p>
        )}
      </div>
      {summary && (
        <>
          <div className="stats">
            <div className="stat">
              <div className="label">Monthly total</div>
              <div className="value">{formatCents(summary.monthly_total_cents)}</div>
            </div>
            <div className="stat">
              <div className="label">Next billing date</div>
              <div className="value">{summary.next_billing_date}</div>
            </div>
            {summary.total_after_pending_cents !== summary.monthly_total_cents && (
              <div className="stat">
                <div className="label">After pending cancellations</div>
                <div className="value">{formatCents(summary.total_after_pending_cents)}</div>
              </div>
            )}
          </div>
          {summary.unassigned_seats > 0 && (
            <p className="notice">
              <span>
                {costs?.cancel_deadline && <strong>{costs.cancel_deadline.message} </strong>}
                You pay {formatCents(summary.unassigned_monthly_cents)}/month for {summary.unassigned_seats} unassigned{" "}
                {summary.unassigned_seats === 1 ? "license" : "licenses"}.
              </span>
              <button
                type="button"
                disabled={cannotManage !== null}
                aria-describedby={cannotManage ? "billing-manage-locked" : undefined}
                onClick={() => setCancelling(true)}
              >
                Cancel unassigned licenses
              </button>
            </p>
          )}
          {cannotManage && <ReadOnlyReason id="billing-manage-locked" lock={cannotManage} />}
          <table className="grid" aria-label="Monthly total by product">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" className="num">Billed licenses</th>
                <th scope="col" className="num">Unassigned</th>
                <th scope="col" className="num">Price</th>
                <th scope="col" className="num">Per month</th>
              </tr>
            </thead>
            <tbody>
              {summary.lines.map((l) => (
                <tr key={l.product_id}>
                  <th scope="row">{l.product_name}</th>
                  <td className="num">{l.billed_seats}</td>
                  <td className="num">{l.unassigned_seats}</td>
                  <td className="num">{formatCents(l.unit_price_cents)}</td>
                  <td className="num">{formatCents(l.monthly_cents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="num">{summary.lines.reduce((n, l) => n + l.billed_seats, 0)}</td>
                <td className="num">{summary.unassigned_seats}</td>
                <td />
                <td className="num">{formatCents(summary.monthly_total_cents)}</td>
              </tr>
            </tfoot>
          </table>
        </>
      )}
      {costs && <CostBreakdownSection breakdown={costs} />}
      <section aria-labelledby="orders-heading">
        <div className="page-head section-head">
          <h2 className="section-title" id="orders-heading">Orders and cancellations</h2>
          <div className="page-actions">
            <button type="button" onClick={() => exportHistory.mutate()} disabled={history.length === 0}>
              Export CSV
            </button>
          </div>
        </div>
        {history.length === 0 ? (
          <div className="empty">No orders or cancellations yet.</div>
        ) : (
          <table className="grid" aria-label="Orders and cancellations">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">What</th>
                <th scope="col">Product</th>
                <th scope="col" className="num">Quantity</th>
                <th scope="col" className="num">Monthly change</th>
                <th scope="col">By</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {history.map((e) => (
                <tr key={`${e.kind}-${e.id}`}>
                  <td className="nowrap">{e.at.slice(0, 10)}</td>
                  <td>{e.kind === "order" ? "Purchase" : "Cancellation"}</td>
                  <th scope="row">{e.product_name}</th>
                  <td className="num">{e.quantity}</td>
                  <td className="num">
                    {e.monthly_change_cents > 0 ? "+" : ""}
                    {formatCents(e.monthly_change_cents)}
                  </td>
                  <td>{e.by ?? "Initial setup"}</td>
                  <td>
                    {e.kind === "order"
                      ? "Done"
                      : `${STATUS_LABELS[e.status]}${e.status === "withdrawn" ? "" : `, effective ${e.effective_on}`}`}
                  </td>
                  <td>
                    {e.kind === "cancellation" && e.status === "pending" && (
                      <button
                        type="button"
                        disabled={cannotManage !== null}
                        aria-describedby={cannotManage ? "billing-manage-locked" : undefined}
                        onClick={() => withdrawal.mutate({ requestId: e.id, quantity: e.quantity, productName: e.product_name })}
                      >
                        Withdraw
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {cancelling && inventory && (
        <SeatChangeForm
          mode="cancel"
          products={inventory}
          onClose={() => setCancelling(false)}
          onDone={(_, message) => {
            setCancelling(false);
            notify.success(message);
          }}
        />
      )}
    </section>
  );
}

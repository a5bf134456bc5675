import { PERMISSION } from "../backend";
import { useState } from "react";
import {
  type BillingEvent,
  type LicenseFamily,
  type ProductInventory,
  type SessionInfo,
} from "../backend";
import { FAMILY_LABELS, FEATURE_LABELS, formatCents } from "../ui/format";
import { missingPermission, LockedPage, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { useNotify } from "../ui/Messages";
import { LicenseChart } from "./LicenseChart";
import { SeatChangeForm, type SeatChangeMode } from "../billing/SeatChangeForm";
import { useWithdrawCancellation } from "../billing/withdraw";
import { useBillingHistory, useFailure, useInventory } from "../backend/queries";

type PendingCancellation = Extract<BillingEvent, { kind: "cancellation" }>;

export function LicensesPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const [family, setFamily] = useState<LicenseFamily | "all">("all");
  const [form, setForm] = useState<SeatChangeMode | null>(null);
  const cannotView = missingPermission(session, PERMISSION.LicensesView);
  const cannotManage = missingPermission(session, PERMISSION.BillingManage);
  const canSeeBilling = !missingPermission(session, PERMISSION.BillingView);
  const inventoryQuery = useInventory(!cannotView);
  const historyQuery = useBillingHistory(!cannotView && canSeeBilling);
  useFailure(inventoryQuery.error ?? historyQuery.error, notify.failure);
  const withdrawal = useWithdrawCancellation();
  const inventory = inventoryQuery.data ?? null;
  const pending = (historyQuery.data ?? []).filter(
    (e): e is PendingCancellation => e.kind === "cancellation" && e.status === "pending",
  );

  if (cannotView) return <LockedPage title="Licenses" headingId="licenses-heading" reasonId="licenses-locked" missing={cannotView} />;

  const shown = (inventory ?? []).filter((p) => family === "all" || p.family === family);
  const families = [...new Set((inventory ?? []).map((p) => p.family))];
  const total = (pick: (p: ProductInventory) => number) => shown.reduce((sum, p) => sum + pick(p), 0);
  const unassigned = total((p) => p.available);

  return (
    <section aria-labelledby="licenses-heading">
      <div className="page-head">
        <h1 id="licenses-heading">Licenses</h1>
        {inventory && (
          <p className="muted">
            {total((p) => p.purchased)} licenses, {formatCents(total((p) => p.monthly_cost_cents))} per month
          </p>
        )}
        <div className="page-actions">
          <button
            type="button"
            disabled={cannotManage !== null}
            aria-describedby={cannotManage ? "billing-locked" : undefined}
            onClick={() => setForm("cancel")}
          >
            Request cancellation
          </button>
          <button
            type="button"
            className="primary"
            disabled={cannotManage !== null}
            aria-describedby={cannotManage ? "billing-locked" : undefined}
            onClick={() => setForm("purchase")}
          >
            Purchase licenses
          </button>
        </div>
      </div>
      {cannotManage && <ReadOnlyReason id="billing-locked" lock={cannotManage} />}
      {inventory && unassigned > 0 && (
        <p className="notice">
          <span>
            You pay {formatCents(total((p) => p.available * p.monthly_price_cents))}/month for {unassigned} unassigned{" "}
            {unassigned === 1 ? "license" : "licenses"}. Unassigning a license does not stop its cost; only a
            cancellation does.
          </span>
        </p>
      )}
      <div className="toolbar">
        <label className="inline-field">
          <span>Family</span>
          <select
            aria-label="Filter by family"
            value={family}
            onChange={(e) => setFamily(e.target.value as LicenseFamily | "all")}
          >
            <option value="all">All families</option>
            {families.map((f) => (
              <option key={f} value={f}>
                {FAMILY_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {inventory && <LicenseChart products={shown} />}
      {inventory && (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Family</th>
              <th scope="col">Includes</th>
              <th scope="col" className="num">Price</th>
              <th scope="col" className="num">Purchased</th>
              <th scope="col" className="num">Assigned</th>
              <th scope="col" className="num">Available</th>
              <th scope="col" className="num">Pending cancellation</th>
              <th scope="col" className="num">Monthly cost</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr key={p.product_id}>
                <th scope="row">{p.name}</th>
                <td>{FAMILY_LABELS[p.family]}</td>
                <td className="features">{p.features.map((f) => FEATURE_LABELS[f]).join(", ")}</td>
                <td className="num">{formatCents(p.monthly_price_cents)}</td>
                <td className="num">{p.purchased}</td>
                <td className="num">{p.assigned}</td>
                <td className={p.available === 0 ? "num none-left" : "num"}>{p.available}</td>
                <td className="num">{p.pending_cancellation}</td>
                <td className="num">{formatCents(p.monthly_cost_cents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td />
              <td />
              <td />
              <td className="num">{total((p) => p.purchased)}</td>
              <td className="num">{total((p) => p.assigned)}</td>
              <td className="num">{unassigned}</td>
              <td className="num">{total((p) => p.pending_cancellation)}</td>
              <td className="num">{formatCents(total((p) => p.monthly_cost_cents))}</td>
            </tr>
          </tfoot>
        </table>
      )}
      {pending.length > 0 && (
        <>
          <h2 className="section-title">Pending cancellations</h2>
          <table className="grid" aria-label="Pending cancellations">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" className="num">Quantity</th>
                <th scope="col">Requested by</th>
                <th scope="col">Effective on</th>
                <th scope="col" className="num">Saving per month</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {pending.map((c) => (
                <tr key={c.id}>
                  <th scope="row">{c.product_name}</th>
                  <td className="num">{c.quantity}</td>
                  <td>{c.by ?? "LicenseDesk"}</td>
                  <td>{c.effective_on}</td>
                  <td className="num">{formatCents(-c.monthly_change_cents)}</td>
                  <td className="actions">
                    <button type="button" disabled={cannotManage !== null} onClick={() => withdrawal.mutate({ requestId: c.id, quantity: c.quantity, productName: c.product_name })}>
                      Withdraw
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {form && inventory && (
        <SeatChangeForm
          mode={form}
          products={inventory}
          onClose={() => setForm(null)}
          onDone={(_, message) => {
            setForm(null);
            notify.success(message);
          }}
        />
      )}
    </section>
  );
}

import { useEffect, useState } from "react";
import { backend, BackendError, type ProductInventory, type SessionInfo } from "../backend";
import { FAMILY_LABELS, FEATURE_LABELS, formatCents } from "../format";
import { missingPermission, ReadOnlyReason } from "../components/ReadOnlyReason";

export function LicensesPage({ session }: { session: SessionInfo }) {
  const [inventory, setInventory] = useState<ProductInventory[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cannotView = missingPermission(session, "licenses.view");

  useEffect(() => {
    if (cannotView) return;
    backend
      .licenseInventory()
      .then(setInventory)
      .catch((e: BackendError) => setError(e.message));
  }, [cannotView]);

  if (cannotView) {
    return (
      <section aria-labelledby="licenses-heading">
        <h1 id="licenses-heading">Licenses</h1>
        <ReadOnlyReason id="licenses-locked" message={cannotView.message} />
      </section>
    );
  }

  const total = (pick: (p: ProductInventory) => number) =>
    (inventory ?? []).reduce((sum, p) => sum + pick(p), 0);
  const unassigned = total((p) => p.available);
  const unassignedCost = total((p) => p.available * p.monthly_price_cents);

  return (
    <section aria-labelledby="licenses-heading">
      <div className="page-head">
        <h1 id="licenses-heading">Licenses</h1>
        {inventory && (
          <p className="muted">
            {total((p) => p.purchased)} licenses, {formatCents(total((p) => p.monthly_cost_cents))} per month
          </p>
        )}
      </div>
      {error && <p className="message message-failure" role="alert">{error}</p>}
      {inventory && unassigned > 0 && (
        <p className="notice">
          You pay {formatCents(unassignedCost)}/month for {unassigned} unassigned{" "}
          {unassigned === 1 ? "license" : "licenses"}. Unassigning a license does not stop its cost; only a
          cancellation does.
        </p>
      )}
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
            {inventory.map((p) => (
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
    </section>
  );
}

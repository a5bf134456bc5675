import { useMutation } from "@tanstack/react-query";
import { backend, type CostBreakdown as Breakdown, type CostGroup } from "../backend";
import { formatCents } from "../ui/format";
import { useNotify } from "../ui/Messages";

function signed(cents: number): string {
  return `${cents > 0 ? "+" : ""}${formatCents(cents)}`;
}

/** One breakdown: a row per department or site, with a bar for its share of the bill (drawn to
 * the largest group's scale). */
function GroupTable({ label, column, groups, total }: { label: string; column: string; groups: CostGroup[]; total: number }) {
  const largest = Math.max(1, ...groups.map((g) => g.monthly_cents));
  return (
    <div className="cost-group">
      <h3 id={`costs-${column}`}>{label}</h3>
      <table className="grid" aria-labelledby={`costs-${column}`}>
        <thead>
          <tr>
            <th scope="col">{column}</th>
            <th scope="col" className="num">Licensed users</th>
            <th scope="col" className="num">Licenses</th>
            <th scope="col" className="num">Monthly cost</th>
            <th scope="col" className="share-col">
              <span className="visually-hidden">Share of the bill</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const share = total > 0 ? g.monthly_cents / total : 0;
            return (
              <tr key={`${g.unassigned}-${g.name}`} className={g.unassigned ? "unassigned-row" : undefined}>
                <th scope="row" className="group-name" title={g.name}>
                  {g.name}
                </th>
                <td className="num">{g.users}</td>
                <td className="num">{g.seats}</td>
                <td className="num">{formatCents(g.monthly_cents)}</td>
                <td className="share-col" aria-label={`${Math.round(share * 100)}% of the bill`}>
                  <span className="share-bar" style={{ width: `${g.monthly_cents > 0 ? Math.max((100 * g.monthly_cents) / largest, 2) : 0}%` }} />
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num">{groups.reduce((n, g) => n + g.users, 0)}</td>
            <td className="num">{groups.reduce((n, g) => n + g.seats, 0)}</td>
            <td className="num">{formatCents(total)}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** Where the monthly bill goes (department, site) and how it moved over the last months. */
export function CostBreakdownSection({ breakdown }: { breakdown: Breakdown }) {
  const notify = useNotify();
  const exportCsv = useMutation({
    mutationFn: () => backend.exportCostBreakdown(`cost-by-department-and-site-${new Date().toISOString().slice(0, 10)}.csv`),
    // null: the save dialog was cancelled.
    onSuccess: (path) => path && notify.success(`Cost by department and site exported to ${path}.`),
    onError: (e) => notify.failure(e.message),
  });
  const total = breakdown.monthly_total_cents;
  return (
    <section aria-labelledby="costs-heading" className="costs">
      <div className="page-head section-head">
        <h2 className="section-title" id="costs-heading">
          Cost by department and site
        </h2>
        <div className="page-actions">
          <button type="button" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending}>
            Export CSV
          </button>
        </div>
      </div>
      <div className="cost-groups">
        <GroupTable label="By department" column="Department" groups={breakdown.by_department} total={total} />
        <GroupTable label="By site" column="Site" groups={breakdown.by_site} total={total} />
      </div>
      <h3 id="costs-months">Month over month</h3>
      <table className="grid months" aria-labelledby="costs-months">
        <thead>
          <tr>
            <th scope="col">Billing day</th>
            <th scope="col" className="num">Monthly cost</th>
            <th scope="col" className="num">Change</th>
          </tr>
        </thead>
        <tbody>
          {breakdown.months.map((m) => (
            <tr key={m.billed_on}>
              <th scope="row" className="nowrap">
                {m.billed_on}
                {m.upcoming && <span className="muted"> (next, as booked today)</span>}
              </th>
              <td className="num">{formatCents(m.monthly_cents)}</td>
              <td className="num">{m.change_cents === null ? "—" : m.change_cents === 0 ? "no change" : signed(m.change_cents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

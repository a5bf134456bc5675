import { PERMISSION } from "../backend";
import { useState, type FormEvent } from "react";
import { keepPreviousData, useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { keys, useFailure, useInvalidate } from "../backend/queries";
import { backend, type AuditQuery, type AuditRow, type SessionInfo } from "../backend";
import { missingPermission, LockedPage } from "../ui/ReadOnlyReason";
import { useNotify } from "../ui/Messages";

const PAGE = 50;
const EMPTY: AuditQuery = {
  account: "",
  action: "",
  user: "",
  from: "",
  to: "",
  target_user_id: null,
  before_id: null,
  limit: PAGE,
};

/** "license.assign" reads "License assign"; refusals say so. */
function actionLabel(r: AuditRow): string {
  const words = r.action.replace(/[._]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function entries(n: number): string {
  return n === 1 ? "1 entry" : `${n} entries`;
}

function details(r: AuditRow): string {
  const parts = [r.before && `before ${r.before}`, r.after && `after ${r.after}`, r.detail].filter(Boolean);
  return parts.join("; ");
}

export function AuditLogPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const locked = missingPermission(session, PERMISSION.AuditView);
  const [draft, setDraft] = useState<AuditQuery>(EMPTY);
  const [query, setQuery] = useState<AuditQuery>(EMPTY);
  // "Show older entries" reads the next page of the same query.
  const log = useInfiniteQuery({
    queryKey: keys.audit(query),
    queryFn: ({ pageParam }) => backend.auditLog({ ...query, before_id: pageParam }),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.next_before_id,
    enabled: !locked,
    placeholderData: keepPreviousData,
  });
  useFailure(log.error, notify.failure);
  const pages = log.data?.pages ?? [];
  const rows: AuditRow[] = pages.flatMap((p) => p.entries);
  const last = pages[pages.length - 1];
  const total = last ? last.total : null;
  const next = last ? last.next_before_id : null;
  const invalidate = useInvalidate();
  const verify = useMutation({
    mutationFn: backend.verifyAuditLog,
    onSuccess: (v) => (v.intact ? notify.success(v.message) : notify.failure(v.message)),
    onError: (e) => notify.failure(e.message),
  });
  const exportCsv = useMutation({
    mutationFn: () => backend.exportAuditLog(query, `audit-log-${new Date().toISOString().slice(0, 10)}.csv`),
    // null: the save dialog was cancelled.
    onSuccess: (written) =>
      written && notify.success(`${written[1]} audit ${written[1] === 1 ? "entry" : "entries"} exported to ${written[0]}.`),
    onError: (e) => notify.failure(e.message),
    // The export is itself an audit entry.
    onSettled: () => invalidate.audit(),
  });

  if (locked) return <LockedPage title="Audit log" headingId="audit-heading" reasonId="audit-locked" missing={locked} />;

  function apply(e: FormEvent) {
    e.preventDefault();
    setQuery({ ...draft, before_id: null });
  }

  const field = (key: "account" | "action" | "user" | "from" | "to", label: string, placeholder: string) => (
    <label className="filter">
      <span>{label}</span>
      <input
        type={key === "from" || key === "to" ? "date" : "text"}
        value={draft[key]}
        placeholder={placeholder}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
    </label>
  );

  return (
    <section aria-labelledby="audit-heading">
      <div className="page-head">
        <h1 id="audit-heading">Audit log</h1>
        {total !== null && <p className="muted">{entries(total)}, append-only and hash-chained</p>}
        <div className="page-actions">
          <button type="button" onClick={() => verify.mutate()}>
            Verify integrity
          </button>
          <button type="button" onClick={() => exportCsv.mutate()}>
            Export CSV
          </button>
        </div>
      </div>
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        {field("account", "Account", "e.g. dana.reyes")}
        {field("action", "Action", "e.g. license")}
        {field("user", "User", "name of the user")}
        {field("from", "From", "")}
        {field("to", "To", "")}
        <button type="submit" className="primary">
          Filter
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(EMPTY);
            setQuery(EMPTY);
          }}
        >
          Clear
        </button>
      </form>
      {total === 0 ? (
        <div className="empty">No audit entries match these filters.</div>
      ) : (
        <table className="grid audit">
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Account</th>
              <th scope="col">Action</th>
              <th scope="col">User</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={r.refused ? "refused" : undefined}>
                <td className="nowrap mono">{r.at.replace("T", " ").replace("Z", "")}</td>
                <td>
                  <div className="cell-title">{r.account}</div>
                  <div className="cell-sub">{r.role}</div>
                </td>
                <td>
                  {actionLabel(r)}
                  {r.refused && <> <span className="badge badge-refused">Refused</span></>}
                </td>
                <td>{r.target ?? <span className="dim">—</span>}</td>
                <td className="details" title={details(r)}>
                  {details(r)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <div className="more">
          <button type="button" onClick={() => void log.fetchNextPage()}>
            Older entries ({rows.length} of {total} shown)
          </button>
        </div>
      )}
    </section>
  );
}

import { PERMISSION, SAFETY_ARCHIVE_DAYS } from "../backend";
import { useQuery } from "@tanstack/react-query";
import { backend, type SessionInfo } from "../backend";
import { keys } from "../backend/queries";
import { missingPermission } from "../ui/ReadOnlyReason";

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The user's safety archives (kept after a removal) and, for auditors, their changes. */
export function UserHistory({ userId, session }: { userId: number; session: SessionInfo }) {
  const noAudit = missingPermission(session, PERMISSION.AuditView);
  const archivesQuery = useQuery({ queryKey: keys.safetyArchives(userId), queryFn: () => backend.safetyArchives(userId) });
  const changesQuery = useQuery({
    queryKey: keys.audit({ account: "", action: "", user: "", from: "", to: "", target_user_id: userId, before_id: null, limit: 20 }),
    queryFn: ({ queryKey: [, query] }) => backend.auditLog(query),
    enabled: !noAudit,
  });
  const archives = archivesQuery.data ?? null;
  const changes = changesQuery.data?.entries ?? null;
  const error = (archivesQuery.error ?? changesQuery.error)?.message ?? null;

  return (
    <div className="history">
      {error && <p className="field-error">{error}</p>}
      <h3>Safety archives</h3>
      {archives?.length === 0 && <p className="muted">No license has been removed from this user.</p>}
      {archives && archives.length > 0 && (
        <ul className="archives">
          {archives.map((a) => (
            <li key={a.path}>
              <div className="mono path">{a.path}</div>
              {a.problem && <p className="field-error">{a.problem}</p>}
              <div className="muted">
                Written {when(a.created_at)} ·{" "}
                {a.present ? `kept until ${when(a.expires_at)}` : `deleted after ${SAFETY_ARCHIVE_DAYS} days`}
              </div>
            </li>
          ))}
        </ul>
      )}
      <h3>Recent changes</h3>
      {noAudit ? (
        <p className="muted">{noAudit.message}</p>
      ) : changes?.length === 0 ? (
        <p className="muted">No changes recorded for this user yet.</p>
      ) : (
        <ul className="changes">
          {changes?.map((c) => (
            <li key={c.id}>
              <span className="mono">{c.at.slice(0, 16).replace("T", " ")}</span> {c.action.replace(/[._]/g, " ")} by{" "}
              {c.account} ({c.role}){c.refused ? ", refused" : ""}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

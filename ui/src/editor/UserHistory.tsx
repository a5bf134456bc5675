import { PERMISSION, SAFETY_ARCHIVE_DAYS } from "../backend";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { backend, type SessionInfo, type UserDetail } from "../backend";
import { keys, useInvalidate } from "../backend/queries";
import { missingPermission } from "../ui/ReadOnlyReason";
import { RestoreDialog, type RestoreTarget } from "./RestoreDialog";

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

type Props = {
  userId: number;
  session: SessionInfo;
  /** A restore gave the user a license and data back: the user as stored now. */
  onChanged?: (user: UserDetail) => void;
};

/** The user's safety archives (kept after a removal, restorable within their 30 days) and, for auditors, their changes. */
export function UserHistory({ userId, session, onChanged }: Props) {
  const noAudit = missingPermission(session, PERMISSION.AuditView);
  const noAssign = missingPermission(session, PERMISSION.LicensesAssign);
  const invalidate = useInvalidate();
  const archivesQuery = useQuery({ queryKey: keys.safetyArchives(userId), queryFn: () => backend.safetyArchives(userId) });
  const changesQuery = useQuery({
    queryKey: keys.audit({ account: "", action: "", user: "", from: "", to: "", target_user_id: userId, before_id: null, limit: 20 }),
    queryFn: ({ queryKey: [, query] }) => backend.auditLog(query),
    enabled: !noAudit,
  });
  const [restoring, setRestoring] = useState<RestoreTarget | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const archives = archivesQuery.data ?? null;
  const changes = changesQuery.data?.entries ?? null;
  const error = (archivesQuery.error ?? changesQuery.error)?.message ?? null;

  async function restored(message: string) {
    setRestoring(null);
    setNotice(message);
    await invalidate.users();
    if (onChanged) onChanged(await backend.getUser(userId));
  }

  return (
    <div className="history">
      {error && <p className="field-error">{error}</p>}
      <div role="status" className={notice ? "message message-success" : "message-empty"}>
        {notice ?? ""}
      </div>
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
                {a.restored_at
                  ? `restored ${when(a.restored_at)}`
                  : a.present
                    ? `kept until ${when(a.expires_at)}`
                    : `deleted after ${SAFETY_ARCHIVE_DAYS} days`}
                {a.batch_size > 1 && ` · one of ${a.batch_size} users of a bulk removal`}
              </div>
              {a.restorable && (
                <button
                  type="button"
                  className="archive-restore"
                  disabled={noAssign !== null}
                  title={noAssign?.message}
                  onClick={() => {
                    setNotice(null);
                    setRestoring({ kind: "archive", userId, archiveId: a.id, batchSize: a.batch_size });
                  }}
                >
                  Restore license and data
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {restoring && (
        <RestoreDialog target={restoring} session={session} onClose={() => setRestoring(null)} onDone={(m) => void restored(m)} />
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

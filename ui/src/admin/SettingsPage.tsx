import { PERMISSION } from "../backend";
import { useMutation, useQuery } from "@tanstack/react-query";
import { keys, useFailure, useInvalidate } from "../backend/queries";
import { backend, type BackupInfo, type RestoreReceipt, type SessionInfo } from "../backend";
import { missingPermission, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { useNotify } from "../ui/Messages";
import { SavingsSettings } from "../savings/SavingsSettings";

export const REASONS: Record<BackupInfo["reason"], string> = {
  daily: "Daily",
  before_migration: "Before an update",
  manual: "Backed up by hand",
  before_restore: "Before a restore",
};

/** "2026-11-27T03:40:00Z" reads "2026-11-27 03:40:00 UTC". */
export function backupDate(at: string): string {
  return `${at.replace("T", " ").replace(/Z$/, "")} UTC`;
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

type Props = {
  session: SessionInfo;
  /** After a restore: the whole app reads its state again. */
  onRestored: (receipt: RestoreReceipt) => void;
};

export function SettingsPage({ session, onRestored }: Props) {
  const notify = useNotify();
  const locked = missingPermission(session, PERMISSION.AdminsManage);
  const backups = useQuery({ queryKey: keys.backups, queryFn: backend.backups, enabled: !locked });
  useFailure(backups.error, notify.failure);
  const overview = backups.data ?? null;
  const invalidate = useInvalidate();
  const backUp = useMutation({
    mutationFn: backend.backUpNow,
    onSuccess: (b) => notify.success(`Backup ${b.file_name} taken (${fileSize(b.size_bytes)}).`),
    onError: (e) => notify.failure(e.message),
    onSettled: () => invalidate.backups(),
  });
  const restoring = useMutation({
    mutationFn: (b: BackupInfo) => backend.restoreBackup(b.file_name),
    // null: cancelled in the native question; nothing happened.
    onSuccess: (receipt) => receipt && onRestored(receipt),
    onError: (e) => notify.failure(e.message),
  });
  const busy = backUp.isPending || restoring.isPending;

  if (locked) {
    return (
      <section className="settings" aria-labelledby="settings-heading">
        <div className="page-head">
          <h1 id="settings-heading">Settings</h1>
        </div>
        <SavingsSettings session={session} />
        <h2>Database file and backups</h2>
        <ReadOnlyReason id="settings-locked" lock={locked} />
      </section>
    );
  }

  return (
    <section className="settings" aria-labelledby="settings-heading">
      <div className="page-head">
        <h1 id="settings-heading">Settings</h1>
        <p className="muted">Where this organization is kept, its backups, and what the Savings page counts as idle</p>
      </div>
      {overview?.on_server && (
        <>
          <h2>Server</h2>
          <p className="mono" aria-label="Server">
            {overview.database_path}
          </p>
          <h2 id="backups-heading">Backups</h2>
          <p className="muted">
            This organization is kept on a PostgreSQL server, and its backups are the server&apos;s own: its
            administrator takes them with pg_dump and restores them with pg_restore (the README says how). LicenseDesk
            keeps no copy of it on this computer.
          </p>
        </>
      )}
      {overview && !overview.on_server && (
        <>
          <h2>Database file</h2>
          <p className="mono" aria-label="Database file">
            {overview.database_path}
          </p>
          <h2 id="backups-heading">Backups</h2>
          <p className="muted">
            A copy is taken automatically once a day and before an update changes the file; the newest{" "}
            {overview.keep} are kept in <span className="mono">{overview.backup_folder}</span>. Restoring one replaces
            the whole organization; the current state is backed up first.
          </p>
          {overview.warning && (
            <p className="field-error" role="note">
              {overview.warning}
            </p>
          )}
          <div className="page-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => backUp.mutate()}>
              Back up now
            </button>
          </div>
          {overview.backups.length === 0 ? (
            <p>There are no backups yet.</p>
          ) : (
            <table className="grid" aria-labelledby="backups-heading">
              <thead>
                <tr>
                  <th scope="col">Taken</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Size</th>
                  <th scope="col">File</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {overview.backups.map((b) => (
                  <tr key={b.file_name}>
                    <th scope="row">{backupDate(b.created_at)}</th>
                    <td>{REASONS[b.reason]}</td>
                    <td>{fileSize(b.size_bytes)}</td>
                    <td className="mono">{b.file_name}</td>
                    <td className="actions">
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`Restore backup ${backupDate(b.created_at)}`}
                        onClick={() => restoring.mutate(b)}
                      >
                        Restore backup
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <SavingsSettings session={session} />
    </section>
  );
}

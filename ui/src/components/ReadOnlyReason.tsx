import type { Permission, SessionInfo } from "../backend";

/** Why a control is read-only and who can change it; null when the role has the permission. */
export function missingPermission(session: SessionInfo, permission: Permission) {
  return session.missing.find((m) => m.permission === permission) ?? null;
}

export function ReadOnlyReason({ id, message }: { id: string; message: string }) {
  return (
    <p id={id} className="readonly-reason">
      <span className="lock" aria-hidden="true">🔒</span>
      <span>{message}</span>
    </p>
  );
}

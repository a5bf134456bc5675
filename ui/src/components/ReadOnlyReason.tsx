import type { Permission, SessionInfo } from "../backend";

/** Why a control is read-only and who can change it; null when the role has the permission. */
export function missingPermission(session: SessionInfo, permission: Permission) {
  return session.missing.find((m) => m.permission === permission) ?? null;
}

export function ReadOnlyReason({ id, message }: { id: string; message: string }) {
  return (
    <p id={id} className="readonly-reason">
      <svg className="lock" aria-hidden="true" width="16" height="16" viewBox="0 0 16 16">
        <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
        <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <span>{message}</span>
    </p>
  );
}

import { createContext, useContext } from "react";
import type { MissingPermission, Permission, SessionInfo } from "../backend";

/**
 * Where "Switch account…" leads from a read-only reason: provided by the user editor, which
 * asks about unsaved edits first and opens again on the same tab after the sign-in.
 */
export const SwitchAccount = createContext<(() => void) | null>(null);

/** Why a control is read-only and who can change it; null when the role has the permission. */
export function missingPermission(session: SessionInfo, permission: Permission) {
  return session.missing.find((m) => m.permission === permission) ?? null;
}

/**
 * The session as the window shows it while its server cannot be reached: every permission
 * that would change the organization is missing, with core's reason (nothing is kept to
 * send later, so a control that looked usable would only fail).
 */
export function whileServerUnreachable(session: SessionInfo): SessionInfo {
  const locked = session.while_server_unreachable.filter(
    (lock) => !session.missing.some((m) => m.permission === lock.permission),
  );
  if (locked.length === 0) return session;
  return {
    ...session,
    permissions: session.permissions.filter((p) => !locked.some((lock) => lock.permission === p)),
    missing: [...session.missing, ...locked],
  };
}

/** A missing permission, or a plain reason (a failed step's follow-up). */
type Props = { id: string } & ({ lock: MissingPermission } | { message: string });

export function ReadOnlyReason(props: Props) {
  const { id } = props;
  const lock = "lock" in props ? props.lock : null;
  const message = "lock" in props ? props.lock.message : props.message;
  // Another account or role is no way out of a server that does not answer.
  const byRole = lock?.because !== "server_unreachable";
  const switchable = lock?.switch_suggested ?? false;
  const switchAccount = useContext(SwitchAccount);
  return (
    <div className="readonly">
      <p id={id} className="readonly-reason">
      <svg className="lock" aria-hidden="true" width="16" height="16" viewBox="0 0 16 16">
        <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
        <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <span>{message}</span>
      </p>
      {switchable && switchAccount && (
        <button type="button" className="link switch-account" aria-describedby={id} onClick={switchAccount}>
          Switch account…
        </button>
      )}
      {byRole && <HowToResolve />}
    </div>
  );
}

type LockedProps = { title: string; headingId: string; reasonId: string; missing: MissingPermission };

/** A page the role may not see: its heading and why (and who can), in place of an empty list. */
export function LockedPage({ title, headingId, reasonId, missing }: LockedProps) {
  return (
    <section aria-labelledby={headingId}>
      <h1 id={headingId}>{title}</h1>
      <ReadOnlyReason id={reasonId} lock={missing} />
    </section>
  );
}

/** The usual ways out of a missing permission, for a desktop app with local accounts. */
export function HowToResolve() {
  return (
    <details className="how-to">
      <summary>How to resolve</summary>
      <ol>
        <li>Check the header: it shows which account you are signed in with and its role.</li>
        <li>
          If you have another account with more rights (an alternate admin account), use Switch account and sign in
          with it.
        </li>
        <li>
          Otherwise ask a Super Admin to give your account a role that includes the permission, on the Admin accounts
          page. A changed role applies at once; you need not sign in again.
        </li>
        <li>If the role should not do this, ask someone who holds the permission to make the change.</li>
      </ol>
    </details>
  );
}

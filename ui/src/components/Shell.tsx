import { useEffect, useState } from "react";
import { backend, type RestoreReceipt, type SessionInfo } from "../backend";
import { MessageBar, useNotify } from "./Messages";
import { UsersPage } from "../pages/UsersPage";
import { LicensesPage } from "../pages/LicensesPage";
import { RecordingsPage } from "../pages/RecordingsPage";
import { BillingPage } from "../pages/BillingPage";
import { AuditLogPage } from "../pages/AuditLogPage";
import { AccountsPage } from "../pages/AccountsPage";
import { SettingsPage, backupDate } from "../pages/SettingsPage";

type Page = "Users" | "Licenses" | "Billing" | "Recordings" | "Audit log" | "Admin accounts" | "Settings";
const PAGES: Page[] = ["Users", "Licenses", "Billing", "Recordings", "Audit log", "Admin accounts", "Settings"];

type Props = {
  session: SessionInfo;
  onSessionChange: (s: SessionInfo | null) => void;
  onSignOut: (notice: string) => Promise<void>;
};

export function Shell({ session, onSessionChange, onSignOut }: Props) {
  const [page, setPage] = useState<Page>("Users");
  // Bumped after a restore: every page is mounted afresh and reads the restored data.
  const [generation, setGeneration] = useState(0);
  const notify = useNotify();

  // A role changed in another window applies at once: re-read the session on each page.
  useEffect(() => {
    backend
      .currentSession()
      .then((s) => onSessionChange(s))
      .catch(() => undefined);
  }, [page, onSessionChange]);

  async function restored(receipt: RestoreReceipt) {
    const what = `Restored the backup taken ${backupDate(receipt.restored.created_at)}. The state before the restore was saved as ${receipt.before_restore.file_name}.`;
    const s = receipt.still_signed_in ? await backend.currentSession().catch(() => null) : null;
    if (!s) {
      await onSignOut(`${what} Your account does not exist in the restored organization: sign in again.`);
      return;
    }
    onSessionChange(s);
    setGeneration((g) => g + 1);
    notify.success(what);
  }

  function go(next: Page) {
    notify.clear();
    setPage(next);
  }

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">LD</span>
          <span>LicenseDesk</span>
          <span className="org-name">{session.organization}</span>
        </div>
        <div className="who">
          <span className="who-text">
            Signed in as {session.login} ({session.role})
          </span>
          <button
            type="button"
            className="ghost"
            onClick={() => onSignOut(`Signed out of ${session.login}. Sign in with the account you want to use.`)}
          >
            Switch account
          </button>
          <button type="button" className="ghost" onClick={() => onSignOut("You are signed out.")}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="tabs" aria-label="Main">
        {PAGES.map((p) => (
          <button
            key={p}
            type="button"
            className={p === page ? "tab-link active" : "tab-link"}
            aria-current={p === page ? "page" : undefined}
            onClick={() => go(p)}
          >
            {p}
          </button>
        ))}
      </nav>
      <MessageBar />
      <main className="page" key={generation}>
        {page === "Users" && <UsersPage session={session} />}
        {page === "Licenses" && <LicensesPage session={session} />}
        {page === "Billing" && <BillingPage session={session} />}
        {page === "Recordings" && <RecordingsPage session={session} />}
        {page === "Audit log" && <AuditLogPage session={session} />}
        {page === "Admin accounts" && <AccountsPage session={session} />}
        {page === "Settings" && <SettingsPage session={session} onRestored={(r) => void restored(r)} />}
      </main>
    </div>
  );
}

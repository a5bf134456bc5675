import { useCallback, useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import {
  backend,
  PERMISSION,
  type BackendError,
  type MenuCommand,
  type Permission,
  type RestoreReceipt,
  type SessionInfo,
} from "../backend";
import { missingPermission } from "../ui/ReadOnlyReason";
import { shortcutOf, type ShortcutId } from "../ui/shortcuts";
import { AboutDialog, ShortcutsDialog } from "./HelpDialogs";
import { BrandMark } from "../ui/BrandMark";
import { FileProblems } from "./FileProblems";
import { MessageBar, useNotify } from "../ui/Messages";
import { UsersPage } from "../users/UsersPage";
import { LicensesPage } from "../licenses/LicensesPage";
import { RecordingsPage } from "../admin/RecordingsPage";
import { BillingPage } from "../billing/BillingPage";
import { SavingsPage } from "../savings/SavingsPage";
import { AuditLogPage } from "../admin/AuditLogPage";
import { AccountsPage } from "../admin/AccountsPage";
import { SettingsPage, backupDate } from "../admin/SettingsPage";
import { useExportUsers } from "../users/exportUsers";
import type { ReopenEditor } from "../editor/leaveGuard";

type Page = "Users" | "Licenses" | "Billing" | "Savings" | "Recordings" | "Audit log" | "Admin accounts" | "Settings";
const PAGES: Page[] = ["Users", "Licenses", "Billing", "Savings", "Recordings", "Audit log", "Admin accounts", "Settings"];

/** Pages shown only to roles that may read them (the others lock themselves and say why). */
const PAGE_PERMISSION: Partial<Record<Page, Permission>> = { Savings: PERMISSION.BillingView };

/** Where each View command of the menu (or its shortcut) goes. */
const VIEWS: Partial<Record<MenuCommand | ShortcutId, Page>> = {
  view_users: "Users",
  view_licenses: "Licenses",
  view_billing: "Billing",
  view_recordings: "Recordings",
  view_audit_log: "Audit log",
  viewUsers: "Users",
  viewLicenses: "Licenses",
  viewBilling: "Billing",
  viewRecordings: "Recordings",
  viewAuditLog: "Audit log",
};

/** An open modal dialog (the user editor, a form) keeps the page under it. */
function modalOpen(): boolean {
  return document.querySelector("dialog[open]") !== null;
}

/**
 * Whether a modal dialog is open: it covers the header and the navigation, which then are
 * inert and look it, instead of looking clickable while swallowing the click.
 */
function useModalOpen(): boolean {
  const [open, setOpen] = useState(modalOpen);
  useEffect(() => {
    const observer = new MutationObserver(() => setOpen(modalOpen()));
    observer.observe(document.body, { childList: true, subtree: true, attributeFilter: ["open"] });
    return () => observer.disconnect();
  }, []);
  return open;
}

type Props = {
  session: SessionInfo;
  onSessionChange: (s: SessionInfo | null) => void;
  onSignOut: (notice: string) => Promise<void>;
  /** An editor to open again after "Switch account…", and its handling. */
  reopen: ReopenEditor | null;
  onReopened: () => void;
  onSwitchAccount: (reopen: ReopenEditor, notice: string) => void;
};

export function Shell({ session, onSessionChange, onSignOut, reopen, onReopened, onSwitchAccount }: Props) {
  const [page, setPage] = useState<Page>("Users");
  const [help, setHelp] = useState<"about" | "shortcuts" | null>(null);
  // Bumped by Ctrl+F: the Users page focuses its search box each time it changes.
  const [searchRequest, setSearchRequest] = useState(0);
  // Bumped after a restore: every page is mounted afresh and reads the restored data.
  const [generation, setGeneration] = useState(0);
  const notify = useNotify();
  const { mutate: exportUsers } = useExportUsers();
  const covered = useModalOpen();
  const queryClient = useQueryClient();

  // A role changed in another window applies at once: re-read the session on each page.
  useEffect(() => {
    backend
      .currentSession()
      .then((s) => onSessionChange(s))
      .catch((e: BackendError) => {
        // The banner already says the server does not answer; the last session stays, locked.
        if (e.code !== "server_unreachable") notify.failure(`Your account's permissions could not be read again: ${e.reason}`);
      });
  }, [page, onSessionChange, notify]);

  const go = useCallback(
    (next: Page) => {
      setPage((current) => {
        if (current !== next) notify.clear();
        return next;
      });
    },
    [notify],
  );

  // The application menu and the shortcuts: both lead to the same few actions.
  const act = useCallback(
    (what: MenuCommand | ShortcutId): boolean => {
      if (what === "help_about") setHelp("about");
      else if (what === "help_shortcuts" || what === "help") setHelp("shortcuts");
      else if (what === "file_export_users") exportUsers();
      else if (modalOpen()) return false;
      else if (what === "focusSearch") {
        go("Users");
        setSearchRequest((n) => n + 1);
      } else {
        const view = VIEWS[what];
        if (!view) return false;
        go(view);
      }
      return true;
    },
    [exportUsers, go],
  );

  useEffect(() => backend.onMenu(act), [act]);

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      const id = shortcutOf(e);
      // Save, Cancel and next/previous user belong to the editor, which handles them.
      if (!id || id === "save" || id === "cancel" || id === "nextUser" || id === "previousUser") return;
      if (act(id)) e.preventDefault();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [act]);

  async function restored(receipt: RestoreReceipt) {
    const what = `Restored the backup taken ${backupDate(receipt.restored.created_at)}. The state before the restore was saved as ${receipt.before_restore.file_name}.`;
    const s = receipt.still_signed_in ? await backend.currentSession().catch(() => null) : null;
    if (!s) {
      await onSignOut(`${what} Your account does not exist in the restored organization: sign in again.`);
      return;
    }
    onSessionChange(s);
    // Nothing read before the restore is shown after it.
    queryClient.clear();
    setGeneration((g) => g + 1);
    notify.success(what);
  }

  return (
    <div className="app">
      <header className="topbar" inert={covered}>
        <div className="brand">
          <BrandMark />
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
      <nav className="tabs" aria-label="Main" inert={covered}>
        {PAGES.filter((p) => {
          const needs = PAGE_PERMISSION[p];
          return !needs || !missingPermission(session, needs);
        }).map((p) => (
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
      <FileProblems />
      <main className="page" key={generation}>
        {page === "Users" && (
          <UsersPage
            session={session}
            searchRequest={searchRequest}
            reopen={reopen}
            onReopened={onReopened}
            onSwitchAccount={(r) =>
              onSwitchAccount(
                r,
                `Signed out of ${session.login}. Sign in with the account that has the permission: the editor of ${r.name} opens again.`,
              )
            }
          />
        )}
        {page === "Licenses" && <LicensesPage session={session} />}
        {page === "Billing" && <BillingPage session={session} />}
        {page === "Savings" && <SavingsPage session={session} />}
        {page === "Recordings" && <RecordingsPage session={session} />}
        {page === "Audit log" && <AuditLogPage session={session} />}
        {page === "Admin accounts" && <AccountsPage session={session} />}
        {page === "Settings" && <SettingsPage session={session} onRestored={(r) => void restored(r)} />}
      </main>
      {help === "about" && <AboutDialog onClose={() => setHelp(null)} />}
      {help === "shortcuts" && <ShortcutsDialog onClose={() => setHelp(null)} />}
    </div>
  );
}

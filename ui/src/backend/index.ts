// The one module that talks to the Rust side. Components call these typed functions and
// never `invoke` directly; each command's arguments and result are typed by the generated
// ./commands (from the Rust command functions), the data types by the generated ./bindings.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Command, CommandArgs, CommandResults } from "./commands";
import type {
  MenuCommand,
  ServerStatus,
  AccountUpdate,
  AuditQuery,
  NewAccount,
  AssignLicense,
  ChangeLicense,
  SeatChange,
  ErrorCode,
  ErrorPayload,
  FieldKey,
  RecordingQuery,
  UserEdits,
  RemoveLicense,
  UserQuery,
  NewUser,
  OffboardUser,
  ReactivateUser,
  RestoreRequest,
  BulkRequest,
  ReclaimRequest,
  OrgSetup,
  ProgressEvent,
  ImportChoices,
} from "./bindings";

export type * from "./bindings";
export { IMPORT_FIELD_LABELS, PERMISSION, SAFETY_ARCHIVE_DAYS } from "./bindings";

/**
 * A failed command: a stable code (one of core's, the union `ErrorCode`), a message naming the
 * cause, and maybe the field (compare it through ./fields, never with a label typed in place).
 */
export class BackendError extends Error {
  readonly code: ErrorCode;
  readonly field: FieldKey | undefined;
  /** The message without the field's label in front, for showing next to that field. */
  readonly reason: string;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = "BackendError";
    this.code = payload.code;
    this.field = payload.field;
    this.reason = payload.reason ?? payload.message;
  }
}

/** The admin said no in a native confirmation (or stopped long work): nothing happened. */
export function isCancelled(e: unknown): boolean {
  return e instanceof BackendError && e.code === "cancelled";
}

function isPayload(e: unknown): e is ErrorPayload {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/**
 * Runs a command. Its arguments and result are typed by the generated ./commands, so a
 * renamed command, argument key or result type fails to compile.
 */
async function call<C extends Command>(command: C, ...args: CommandArgs[C]): Promise<CommandResults[C]> {
  try {
    return await invoke<CommandResults[C]>(command, args[0]);
  } catch (e) {
    throw new BackendError(
      isPayload(e) ? e : { code: "internal", message: `LicenseDesk could not run ${command}: ${String(e)}` },
    );
  }
}

/** Receives how far long work is (an import, an export bundle). */
export type OnProgress = (progress: ProgressEvent) => void;

/** The channel a long command reports its progress through. */
function progressChannel(onProgress: OnProgress): Channel<ProgressEvent> {
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = onProgress;
  return channel;
}

/**
 * Calls `handler` for each application-menu command (File, View, Help) until the returned
 * function is called. Outside the app (unit tests) there is no menu and nothing happens.
 */
function onMenu(handler: (command: MenuCommand) => void): () => void {
  return onEvent<MenuCommand>("menu", handler);
}

/** Calls `handler` for each `event` the shell sends until the returned function is called. */
function onEvent<T>(event: string, handler: (payload: T) => void): () => void {
  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  listen<T>(event, (e) => handler(e.payload))
    .then((u) => {
      if (stopped) u();
      else unlisten = u;
    })
    .catch(() => undefined);
  return () => {
    stopped = true;
    unlisten?.();
  };
}

export const backend = {
  /** Version, organization file and schema version, for Help > About. */
  appInfo: () => call("app_info"),
  /** The first screen is painted and takes input: work that waited for the window starts. */
  windowReady: (screen: string) => call("window_ready", { screen }),
  onMenu,
  /** Another admin (or this window) committed changes on the server: pages read again. */
  onServerChanged: (handler: () => void) => onEvent<null>("server_changed", handler),
  /** The server stopped or started answering. */
  onServerStatus: (handler: (status: ServerStatus) => void) => onEvent<ServerStatus>("server_status", handler),
  signIn: (login: string, password: string) => call("sign_in", { login, password }),
  signOut: () => call("sign_out"),
  currentSession: () => call("current_session"),
  searchUsers: (query: UserQuery) => call("search_users", { query }),
  countUsers: (query: UserQuery) => call("count_users", { query }),
  getUser: (userId: number) => call("get_user", { userId }),
  licenseInventory: () => call("license_inventory"),
  assignLicense: (request: AssignLicense) => call("assign_license", { request }),
  removalImpact: (userId: number) => call("removal_impact", { userId }),
  /** Opens the native save dialog; null when the admin cancels it. */
  exportUserData: (userId: number, onProgress: OnProgress) =>
    call("export_user_data", { userId, onProgress: progressChannel(onProgress) }),
  changePreview: (userId: number, productId: number) => call("change_preview", { userId, productId }),
  /** A change of license type asks in the native "Change license type?" first; `cancelled` when cancelled there. */
  changeLicense: (request: ChangeLicense) => call("change_license", { request }),
  /** Asks in the native "Remove license?" first; fails with code `cancelled` when cancelled there. */
  removeLicense: (request: RemoveLicense) => call("remove_license", { request }),
  safetyArchives: (userId: number) => call("safety_archives", { userId }),
  /** What restoring the archive (or its whole bulk removal) brings back; nothing is changed. */
  restorePreview: (archiveId: number, wholeBatch: boolean) => call("restore_preview", { archiveId, wholeBatch }),
  /** Asks in the native "Restore license and data?" first; fails with code `cancelled` when cancelled there. */
  restoreFromArchive: (request: RestoreRequest) => call("restore_from_archive", { request }),
  reactivationPreview: (userId: number) => call("reactivation_preview", { userId }),
  /** Asks in the native "Reactivate <name>?" first; fails with code `cancelled` when cancelled there. */
  reactivateUser: (request: ReactivateUser) => call("reactivate_user", { request }),
  recordings: (query: RecordingQuery) => call("recordings", { query }),
  recordingAudio: (recordingId: number) => call("recording_audio", { recordingId }),
  /** Opens the native save dialog; the path written, or null when cancelled. */
  exportRecording: (recordingId: number, suggestedName: string) =>
    call("export_recording", { recordingId, suggestedName }),
  purchasePreview: (request: SeatChange) => call("purchase_preview", { request }),
  /** Asks in the native "Purchase licenses?" dialog first; null when cancelled there. */
  purchaseLicenses: (request: SeatChange) => call("purchase_licenses", { request }),
  cancellationPreview: (request: SeatChange) => call("cancellation_preview", { request }),
  /** Asks in the native "Request cancellation?" dialog first; null when cancelled there. */
  requestCancellation: (request: SeatChange) => call("request_cancellation", { request }),
  withdrawCancellation: (requestId: number) => call("withdraw_cancellation", { requestId }),
  billingSummary: () => call("billing_summary"),
  billingHistory: () => call("billing_history"),
  /** Opens the native save dialog; the path written, or null when cancelled. */
  exportBillingHistory: (suggestedName: string) => call("export_billing_history", { suggestedName }),
  /** The seats paid for without use, each with what it costs a month (billing.view). */
  savings: () => call("savings"),
  savingsIdleDays: () => call("savings_idle_days"),
  setSavingsIdleDays: (days: string) => call("set_savings_idle_days", { days }),
  reclaimPreview: (request: ReclaimRequest) => call("reclaim_preview", { request }),
  /**
   * With `exportFirst`, the native save dialog "Export user data" first; then the native
   * "Reclaim licenses?"; `cancelled` when either is cancelled (nothing happened).
   */
  reclaim: (request: ReclaimRequest, exportFirst: boolean) => call("reclaim", { request, export: exportFirst }),
  costBreakdown: () => call("cost_breakdown"),
  /** Opens the native save dialog; the path written, or null when cancelled. */
  exportCostBreakdown: (suggestedName: string) => call("export_cost_breakdown", { suggestedName }),
  openFailure: () => call("open_failure"),
  accountChoices: () => call("account_choices"),
  auditLog: (query: AuditQuery) => call("audit_log", { query }),
  verifyAuditLog: () => call("verify_audit_log"),
  /** Rows of the file that break a rule LicenseDesk keeps: one sentence per rule. */
  fileProblems: () => call("file_problems"),
  /** Opens the native save dialog; [path, entries written], or null when cancelled. */
  exportAuditLog: (query: AuditQuery, suggestedName: string) =>
    call("export_audit_log", { query, suggestedName }),
  accounts: () => call("accounts"),
  roles: () => call("roles"),
  createAccount: (account: NewAccount) => call("create_account", { account }),
  updateAccount: (update: AccountUpdate) => call("update_account", { update }),
  resetPassword: (accountId: number, password: string) => call("reset_password", { accountId, password }),
  sites: () => call("sites"),
  addUser: (user: NewUser) => call("add_user", { user }),
  userSetup: (userId: number) => call("user_setup", { userId }),
  suggestExtension: (userId: number) => call("suggest_extension", { userId }),
  /**
   * The editor's one Save: every changed part, all of it or nothing. One that removes the
   * license or changes its type asks the native confirmation first; `cancelled` when cancelled there.
   */
  saveUserEdits: (edits: UserEdits) => call("save_user_edits", { edits }),
  /** Tells the shell about the editor's unsaved edits (null name: none), so that Quit asks first. */
  setUnsavedEdits: (name: string | null, sections: string[]) => call("set_unsaved_edits", { name, sections }),
  /** The native "Discard changes to <name>?"; true for Discard, false for Keep editing. */
  confirmDiscard: (name: string, sections: string[]) => call("confirm_discard", { name, sections }),
  /** Opens the native open dialog for a WAV file and saves it against `expectedVersion`; null when cancelled. */
  uploadGreeting: (userId: number, expectedVersion: number) =>
    call("upload_greeting", { userId, expectedVersion }),
  greetingAudio: (userId: number) => call("greeting_audio", { userId }),
  /** Asks in the native "Offboard <name>?" first; fails with code `cancelled` when cancelled there. */
  offboardUser: (req: OffboardUser) => call("offboard_user", { req }),
  /** Opens the native save dialog; the path written, or null when cancelled. */
  saveImportTemplate: () => call("save_import_template"),
  /** Opens the native open dialog; [path, preview], or null when cancelled. */
  chooseImportFile: (onProgress: OnProgress) =>
    call("choose_import_file", { onProgress: progressChannel(onProgress) }),
  recheckImport: (choices: ImportChoices, onProgress: OnProgress) =>
    call("recheck_import", { choices, onProgress: progressChannel(onProgress) }),
  applyImport: (choices: ImportChoices, onProgress: OnProgress) =>
    call("apply_import", { choices, onProgress: progressChannel(onProgress) }),
  /** Opens the native save dialog; [path, users written], or null when cancelled. */
  exportUsers: (suggestedName: string) => call("export_users", { suggestedName }),
  bulkPreview: (req: BulkRequest) => call("bulk_preview", { req }),
  /** Opens the native save dialog; null when cancelled. */
  exportSelectedUserData: (userIds: number[], suggestedName: string, onProgress: OnProgress) =>
    call("export_selected_user_data", {
      userIds,
      suggestedName,
      onProgress: progressChannel(onProgress),
    }),
  /** Asks the long work in progress to stop; it undoes what it began. */
  cancelLongWork: () => call("cancel_long_work"),
  /** Data loss is asked in the native "Remove licenses?" / "Change license type?" first; `cancelled` when cancelled there. */
  bulkApply: (req: BulkRequest) => call("bulk_apply", { req }),
  /** True when the open file holds no organization yet: the first-run choice. */
  organizationUnset: () => call("organization_unset"),
  createDemoOrganization: () => call("create_demo_organization"),
  setupOrganization: (setup: OrgSetup) => call("setup_organization", { setup }),
  /** File > New: the native save dialog, then the new empty file is open; its path, or null when cancelled. */
  newOrganizationFile: () => call("new_organization_file"),
  /** File > Open: the native open dialog, then that file is open (or failed); its path, or null. */
  openOrganizationFile: () => call("open_organization_file"),
  /** Opens the file that could not be opened once more. */
  reopenOrganizationFile: () => call("reopen_organization_file"),
  /** File > Connect to Server: opens the organization at the address; the server's name (never its password). */
  connectToServer: (address: string) => call("connect_to_server", { address }),
  /** File > Move to a Server: copies the open organization there, then opens it; what was moved. */
  moveToServer: (address: string) => call("move_to_server", { address }),
  /** Asks in the native "Restore backup?" dialog, then replaces the damaged file; null when cancelled. */
  restoreDamagedFile: (fileName: string) => call("restore_damaged_file", { fileName }),
  backups: () => call("backups"),
  backUpNow: () => call("back_up_now"),
  /** Asks in the native "Restore backup?" dialog first; null when cancelled there. */
  restoreBackup: (fileName: string) => call("restore_backup", { fileName }),
};

export type Backend = typeof backend;

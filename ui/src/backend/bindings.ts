// Generated from the Rust types in core/ by `make bindings`. Do not edit.

export type ErrorCode = "no_license_available" | "permission_denied" | "invalid_input" | "not_found" | "already_licensed" | "not_licensed" | "stale_version" | "already_taken" | "feature_not_included" | "forwarding_loop" | "invalid_credentials" | "account_disabled" | "sign_in_throttled" | "not_signed_in" | "database_too_new" | "not_an_organization" | "read_only_file" | "schema_tampered" | "backup_unusable" | "archive_unusable" | "archive_damaged" | "database" | "migration" | "io" | "server_unreachable" | "server" | "file_only" | "cancelled" | "internal";

export type ErrorPayload = { 
/**
 * One of `ERROR_CODES` (in TypeScript, the union `ErrorCode`).
 */
code: ErrorCode, message: string, 
/**
 * The stable key of the field the error is about ([`Field::key`]).
 */
field?: FieldKey, 
/**
 * With `field`: the message without the field's label, to show next to the field.
 */
reason?: string, };

export type Permission = "users.view" | "users.edit" | "licenses.view" | "licenses.assign" | "licenses.remove" | "billing.view" | "billing.manage" | "numbers.manage" | "settings.manage" | "recordings.view" | "audit.view" | "admins.manage";

export type Action = "license.assign" | "license.change" | "license.remove" | "license.bulk" | "license.bulk_remove" | "license.restore" | "user.reactivate" | "user.add" | "user.save" | "user.numbers" | "user.offboard" | "user.export" | "users.export" | "users.import" | "voicemail.update" | "voicemail.greeting" | "forwarding.set" | "forwarding.delete" | "device.activate" | "device.deactivate" | "apps.update" | "recording.export" | "billing.purchase" | "billing.cancellation_request" | "billing.cancellation_withdraw" | "savings.reclaim" | "settings.savings_idle_days" | "backup.create" | "backup.restore" | "audit.export" | "account.create" | "account.update" | "account.reset_password";

export const ACTION_PERMISSIONS: Record<Action, Permission> = {
  "license.assign": "licenses.assign",
  "license.change": "licenses.assign",
  "license.remove": "licenses.remove",
  "license.bulk": "licenses.assign",
  "license.bulk_remove": "licenses.remove",
  "license.restore": "licenses.assign",
  "user.reactivate": "users.edit",
  "user.add": "users.edit",
  "user.save": "users.view",
  "user.numbers": "numbers.manage",
  "user.offboard": "users.edit",
  "user.export": "licenses.remove",
  "users.export": "users.view",
  "users.import": "users.edit",
  "voicemail.update": "settings.manage",
  "voicemail.greeting": "settings.manage",
  "forwarding.set": "settings.manage",
  "forwarding.delete": "settings.manage",
  "device.activate": "settings.manage",
  "device.deactivate": "settings.manage",
  "apps.update": "settings.manage",
  "recording.export": "recordings.view",
  "billing.purchase": "billing.manage",
  "billing.cancellation_request": "billing.manage",
  "billing.cancellation_withdraw": "billing.manage",
  "savings.reclaim": "billing.manage",
  "settings.savings_idle_days": "settings.manage",
  "backup.create": "admins.manage",
  "backup.restore": "admins.manage",
  "audit.export": "audit.view",
  "account.create": "admins.manage",
  "account.update": "admins.manage",
  "account.reset_password": "admins.manage",
};

export type LockedBecause = "role" | "server_unreachable";

export type MissingPermission = { permission: Permission, label: string, message: string, 
/**
 * Whether the message suggests switching to an account that has the permission (the
 * window then offers "Switch account…" next to it).
 */
switch_suggested: boolean, because: LockedBecause, };

export type SessionInfo = { account_id: number, login: string, display_name: string, role: string, organization: string, 
/**
 * ISO code of the organization's currency, for showing amounts.
 */
currency: string, permissions: Array<Permission>, 
/**
 * One explanation for each permission the role lacks.
 */
missing: Array<MissingPermission>, 
/**
 * On a server: what the window locks, and why, while the server cannot be reached
 * (each permission of the role that changes the organization). Empty on a file.
 */
while_server_unreachable: Array<MissingPermission>, };

export type LicenseFamily = "voice" | "contact_center" | "meetings";

export type Feature = "calling" | "voicemail" | "call_forwarding" | "call_recording" | "desktop_app" | "mobile_app" | "video_meetings" | "contact_center" | "analytics";

export type ProductInventory = { product_id: number, sku: string, name: string, family: LicenseFamily, features: Array<Feature>, monthly_price_cents: number, 
/**
 * Seats bought and not yet cancelled: assigned + available + pending cancellation.
 */
purchased: number, assigned: number, available: number, pending_cancellation: number, 
/**
 * Every seat still billed, assigned or not.
 */
monthly_cost_cents: number, };

export type AssignLicense = { user_id: number, product_id: number, expected_version: number, };

export type UserStatus = "active" | "suspended";

export type HeldLicense = { seat_id: number, product_id: number, product_name: string, family: LicenseFamily, };

export type UserRow = { id: number, first_name: string, last_name: string, email: string, department: string, site: string, extension: string | null, phone_number: string | null, license: HeldLicense | null, status: UserStatus, version: number, };

export type UserDetail = { 
/**
 * The features the held license switches on.
 */
features: Array<Feature>, updated_at: string, updated_by: string | null, id: number, first_name: string, last_name: string, email: string, department: string, site: string, extension: string | null, phone_number: string | null, license: HeldLicense | null, status: UserStatus, version: number, };

export type LicenseFilter = { "kind": "any" } | { "kind": "unlicensed" } | { "kind": "product", product_id: number, };

export type UserCursor = { sort_name: string, id: number, };

export type UserQuery = { 
/**
 * 3 or more characters: anywhere in name, email, extension or phone number, ignoring
 * case. 1 or 2 characters: the start of the first name, last name, email or extension.
 */
search: string, license: LicenseFilter, status: UserStatus | null, after: UserCursor | null, limit: number, };

export type UserPage = { users: Array<UserRow>, next: UserCursor | null, };

export type BundleReceipt = { path: string, files: number, bytes: number, sha256: string, };

export type RemovalImpact = { user_id: number, user_name: string, product_name: string, call_history: number, forwarding_rules: number, voicemails: number, voicemail_greetings: number, device_activations: number, app_access: number, voicemail_settings: boolean, phone_number: string | null, extension: string | null, recordings_kept: number, 
/**
 * Every kind of data the removal deletes, in the order of the deletion, with its count:
 * the warning and the summary are built from this list, so nothing is deleted unmentioned.
 */
deleted: Array<DeletedKind>, 
/**
 * The impact in one paragraph, for the native confirmation.
 */
summary: string, };

export type LicenseEdit = { "kind": "assign", product_id: number, } | { "kind": "change", product_id: number, 
/**
 * Also request cancellation of the license given up (needs billing.manage).
 */
also_request_cancellation: boolean, } | { "kind": "remove" };

export type UserEdits = { user_id: number, 
/**
 * The user's version as the editor showed it.
 */
expected_version: number, 
/**
 * The Profile tab: name, email, department and site.
 */
profile: NewUser | null, license: LicenseEdit | null, numbers: SetNumbers | null, voicemail: VoicemailUpdate | null, 
/**
 * The recorded default greeting instead of the user's own.
 */
default_greeting: boolean, forwarding: ForwardingRuleInput | null, 
/**
 * The forwarding rule of this condition deleted.
 */
forwarding_deleted: ForwardCondition | null, apps: AppAccessUpdate | null, device: ActivateDevice | null, 
/**
 * The id of one of the user's devices to deactivate.
 */
device_deactivated: number | null, };

export type SavedUserEdits = { user: UserDetail, setup: UserSetup, 
/**
 * The parts saved, in the order they were applied ("Profile", "License", "Voicemail", …).
 */
saved: Array<string>, 
/**
 * One sentence for the status message.
 */
message: string, 
/**
 * The product whose seat a removal returned to the pool, still billed.
 */
freed_product_id: number | null, };

export type DeletedKind = { kind: string, label: string, count: number, };

export type RemoveLicense = { user_id: number, expected_version: number, };

export type RemovalReceipt = { user: UserDetail, impact: RemovalImpact, safety_archive: BundleReceipt, 
/**
 * The seat is still paid for: what that costs and how to stop it.
 */
billing_note: string, };

export type SafetyArchive = { id: number, path: string, created_at: string, expires_at: string, 
/**
 * False once it has expired and been deleted.
 */
present: boolean, 
/**
 * Why the recorded archive was not followed (a path outside the archive folder, a
 * symbolic link), if it was not.
 */
problem: string | null, 
/**
 * When its license and data were put back, if they were.
 */
restored_at: string | null, 
/**
 * Within its 30 days and not restored yet: "Restore license and data" is offered.
 */
restorable: boolean, 
/**
 * How many users the bulk removal that wrote it removed (1 for a single removal).
 */
batch_size: number, };

export type NumberOutcome = { 
/**
 * What the user held then (None: nothing to give back).
 */
archived: string | null, 
/**
 * Who holds it now, when someone does.
 */
holder: string | null, 
/**
 * A free one offered instead when it is taken (or gone from the pool).
 */
suggested: string | null, 
/**
 * What the restore gives the user with the default choice.
 */
restored: string | null, 
/**
 * One sentence for the preview.
 */
note: string, };

export type UserRestore = { archive_id: number, user_id: number, user_name: string, 
/**
 * The version the restore request must name.
 */
expected_version: number, product_name: string, 
/**
 * A seat of the product is free now (otherwise one must be purchased).
 */
seat_free: boolean, 
/**
 * Each kind of data and how many rows come back, in the removal's order.
 */
counts: Array<DeletedKind>, extension: NumberOutcome, phone_number: NumberOutcome, 
/**
 * What is left out and why (a forwarding rule that would now loop, a desk phone whose MAC
 * address another user activated since), one sentence each.
 */
left_out: Array<string>, };

export type RestorePreview = { users: Array<UserRestore>, 
/**
 * One purchase per product short of seats (needs billing.manage to go on).
 */
purchases: Array<CostPreview>, 
/**
 * The preview in one paragraph, for the native confirmation.
 */
summary: string, };

export type RestoreChoice = { archive_id: number, expected_version: number, extension: string | null, phone_number: string | null, };

export type RestoreRequest = { 
/**
 * The archive whose button was pressed.
 */
archive_id: number, 
/**
 * Restore every archive of that archive's bulk removal, not only this one.
 */
whole_batch: boolean, 
/**
 * One per archive restored.
 */
choices: Array<RestoreChoice>, 
/**
 * Buy the seats that are missing (needs billing.manage); without it, a missing seat
 * refuses the restore.
 */
purchase_seats: boolean, };

export type ArchiveRestoreReceipt = { users: Array<UserRestore>, purchases: Array<CostPreview>, 
/**
 * The status message.
 */
message: string, };

export type ReactivateUser = { user_id: number, expected_version: number, 
/**
 * The restore of the offboarding's archive, when there is one to restore.
 */
restore: RestoreRequest | null, };

export type ReactivationPreview = { user_id: number, user_name: string, 
/**
 * The offboarding's archive, restored with the reactivation (None: just active again).
 */
restore: RestorePreview | null, 
/**
 * Why nothing comes back, when nothing does ("the archive expired on …").
 */
note: string | null, 
/**
 * The preview in one paragraph, for the native confirmation.
 */
summary: string, };

export type ReactivationReceipt = { user: UserDetail, restore: ArchiveRestoreReceipt | null, message: string, };

export type RecordingRow = { id: number, user_id: number, user_name: string, 
/**
 * The user's license now; None for a user whose license was removed.
 */
user_license: string | null, recorded_at: string, remote_number: string, duration_seconds: number, };

export type RecordingQuery = { 
/**
 * Only this user's recordings.
 */
user_id: number | null, };

export type SeatChange = { product_id: number, 
/**
 * As typed: validated here so that "", "abc", "-1" and "1e9" get a specific message.
 */
quantity: string, };

export type CostPreview = { product_name: string, quantity: number, unit_price_cents: number, current_total_cents: number, new_total_cents: number, 
/**
 * When the new total applies: today for a purchase, the effective date for a cancellation.
 */
effective_on: string, 
/**
 * The organization's currency (ISO 4217), in which every amount above is.
 */
currency: string, };

export type CancellationStatus = "pending" | "withdrawn" | "effective";

export type BillingEvent = { "kind": "order", id: number, at: string, product_name: string, quantity: number, monthly_change_cents: number, by: string | null, } | { "kind": "cancellation", id: number, at: string, product_name: string, quantity: number, monthly_change_cents: number, by: string | null, effective_on: string, status: CancellationStatus, };

export type BillingLine = { product_id: number, product_name: string, 
/**
 * Seats on the bill: assigned, available and pending cancellation.
 */
billed_seats: number, unassigned_seats: number, unit_price_cents: number, monthly_cents: number, };

export type BillingSummary = { currency: string, lines: Array<BillingLine>, monthly_total_cents: number, next_billing_date: string, unassigned_seats: number, unassigned_monthly_cents: number, 
/**
 * The total once every pending cancellation has taken effect.
 */
total_after_pending_cents: number, billing_day: number, notice_period_days: number, };

export type CostGroup = { 
/**
 * The department or site; for the unassigned seats, "Unassigned licenses".
 */
name: string, 
/**
 * Whether these are the seats nobody holds (available or pending cancellation).
 */
unassigned: boolean, users: number, seats: number, monthly_cents: number, };

export type MonthCost = { 
/**
 * The billing day.
 */
billed_on: string, monthly_cents: number, 
/**
 * Against the billing day before; None for the first row shown.
 */
change_cents: number | null, 
/**
 * A billing day still to come: pending cancellations effective by then are left out.
 */
upcoming: boolean, };

export type CancelDeadline = { seats: number, monthly_cents: number, cancel_by: string, stops_from: string, 
/**
 * "Cancel by 2026-12-02 to stop paying for 3 unused seats from 2027-01-01."
 */
message: string, };

export type CostBreakdown = { currency: string, monthly_total_cents: number, by_department: Array<CostGroup>, by_site: Array<CostGroup>, 
/**
 * The oldest billing day first.
 */
months: Array<MonthCost>, cancel_deadline: CancelDeadline | null, };

export type ChangeKind = "same_family" | "other_family";

export type ChangePreview = { kind: ChangeKind, from_product: string, to_product: string, to_available: number, gains: Array<Feature>, loses: Array<Feature>, 
/**
 * For a change of license type: exactly what the removal deletes.
 */
removal: RemovalImpact | null, };

export type ChangeLicense = { user_id: number, product_id: number, expected_version: number, 
/**
 * Also request cancellation of the license given up (needs billing.manage).
 */
also_request_cancellation: boolean, };

export type ChangeReceipt = { user: UserDetail, message: string, safety_archive: BundleReceipt | null, cancellation: CostPreview | null, };

export type AuditRow = { id: number, at: string, account: string, role: string, action: string, refused: boolean, target_user_id: number | null, target: string | null, before: string | null, after: string | null, detail: string | null, };

export type AuditQuery = { account: string, action: string, 
/**
 * Matches the target user's name, anywhere.
 */
user: string, 
/**
 * Inclusive bounds, as dates (yyyy-mm-dd) or timestamps.
 */
from: string, to: string, 
/**
 * Only entries about this user (the user editor's History).
 */
target_user_id: number | null, before_id: number | null, limit: number, };

export type AuditPage = { entries: Array<AuditRow>, next_before_id: number | null, total: number, };

export type AuditVerification = { 
/**
 * Every entry matches its hash and link, the append-only triggers are in place, and the
 * log extends every recorded head found.
 */
intact: boolean, entries: number, first_broken: number | null, 
/**
 * Heads checked: one per backup beside the file and per export named.
 */
heads_checked: number, message: string, };

export type AccountChoice = { login: string, display_name: string, role: string, };

export type AccountRow = { id: number, login: string, display_name: string, role: string, active: boolean, };

export type NewAccount = { login: string, display_name: string, role: string, password: string, };

export type AccountUpdate = { account_id: number, role: string, active: boolean, };

export type FailureKind = "damaged" | "not_an_organization" | "too_new" | "tampered" | "read_only" | "locked" | "missing_folder" | "other";

export type OpenFailure = { 
/**
 * The file's path, or (on a server) the server's address without its password.
 */
path: string, 
/**
 * The organization is on a server (`postgres://…`), not in a file.
 */
on_server: boolean, kind: FailureKind, error: ErrorPayload, advice: string, 
/**
 * Backups that can replace the file, newest first; empty unless the file is damaged.
 */
backups: Array<BackupInfo>, };

export type DamagedRestoreReceipt = { restored: BackupInfo, 
/**
 * Where the damaged file now is, byte for byte as it was.
 */
kept_as: string, };

export type Site = { id: number, name: string, };

export type NewUser = { first_name: string, last_name: string, email: string, department: string, site_id: number | null, };

export type SetNumbers = { user_id: number, expected_version: number, extension: string | null, phone_number: string | null, };

export type CustomGreeting = { created_at: string, seconds: number, };

export type VoicemailSetup = { 
/**
 * Settings were saved at least once.
 */
configured: boolean, enabled: boolean, email_notification: boolean, pin_set: boolean, 
/**
 * None: callers hear LicenseDesk's recorded default greeting.
 */
custom_greeting: CustomGreeting | null, };

export type VoicemailUpdate = { user_id: number, enabled: boolean, email_notification: boolean, pin: string, };

export type ForwardCondition = "always" | "busy" | "no_answer" | "unreachable";

export type ForwardingRuleRow = { condition: ForwardCondition, 
/**
 * An extension or an E.164 number.
 */
destination: string, 
/**
 * The user the destination reaches, when it is one of ours.
 */
destination_user: string | null, rings: number | null, enabled: boolean, };

export type ForwardingRuleInput = { user_id: number, condition: ForwardCondition, destination: string, 
/**
 * Only for "on no answer": after how many rings, 1 to 10.
 */
rings: number | null, };

export type App = "desktop_app" | "mobile_app" | "web_app" | "video_meetings";

export type AppAccessRow = { app: App, label: string, 
/**
 * The user's product includes it.
 */
available: boolean, 
/**
 * Switched on (and available: a product change that drops it switches it off).
 */
enabled: boolean, 
/**
 * An admin has decided on it at least once.
 */
configured: boolean, 
/**
 * The products that include it, for the ones not available.
 */
included_in: Array<string>, };

export type AppAccessUpdate = { user_id: number, 
/**
 * The apps switched on; every other one is switched off.
 */
enabled: Array<App>, };

export type DeviceType = "desk_phone" | "desktop_app" | "mobile_app";

export type DeviceRow = { id: number, device_type: DeviceType, label: string, model: string | null, mac_address: string | null, activated_at: string, };

export type ActivateDevice = { user_id: number, device_type: DeviceType, 
/**
 * "Yealink T54W" for a desk phone, "iPhone" or "Windows laptop" for an app.
 */
model: string, 
/**
 * Desk phones only.
 */
mac_address: string, };

export type SetupState = "done" | "to_do" | "not_included";

export type ChecklistItem = { item: string, state: SetupState, detail: string, };

export type UserSetup = { user_id: number, version: number, licensed: boolean, features: Array<Feature>, site: string, extension: string | null, phone_number: string | null, 
/**
 * Free numbers of the user's site, in order.
 */
available_numbers: Array<string>, voicemail: VoicemailSetup, forwarding: Array<ForwardingRuleRow>, apps: Array<AppAccessRow>, devices: Array<DeviceRow>, checklist: Array<ChecklistItem>, };

export type OffboardUser = { user_id: number, expected_version: number, };

export type OffboardReceipt = { user: UserDetail, 
/**
 * What was done, in order, as sentences.
 */
steps: Array<string>, safety_archive: BundleReceipt | null, };

export type ImportField = "first_name" | "last_name" | "email" | "department" | "site" | "extension" | "phone_number" | "license" | "display_name";

export type MappingSource = "layout" | "remembered" | "guessed" | "chosen";

export type FileColumn = { header: string, field: ImportField | null, samples: Array<string>, };

export type OtherLicense = { name: string, users: number, };

export type ImportChoices = { 
/**
 * The field of each of the file's columns, in order; None: recognized, remembered or
 * guessed.
 */
columns: Array<ImportField | null> | null, 
/**
 * The product for the users whose license column names another system's license.
 */
product_for_other_licenses: number | null, 
/**
 * Create the sites the file names that the organization lacks (Super Admin).
 */
create_sites: boolean, };

export type ImportIssue = { row: number, column: string, message: string, };

export type ImportLine = { row: number, name: string, email: string, 
/**
 * What happens, e.g. "Extension: 2041 → 2042", "License: Voice Pro".
 */
changes: Array<string>, };

export type SeatNeed = { product: string, needed: number, available: number, monthly_price_cents: number, };

export type ImportPreview = { 
/**
 * The known layout recognized by its header row ("Microsoft 365 admin center user
 * export"), if any.
 */
layout: string | null, mapping_source: MappingSource, columns: Array<FileColumn>, 
/**
 * Sentences about what was read differently from the file ("… split from Display name").
 */
notes: Array<string>, other_licenses: Array<OtherLicense>, 
/**
 * Site names the file uses that the organization does not have.
 */
missing_sites: Array<string>, rows: number, issues: Array<ImportIssue>, new_users: Array<ImportLine>, changed_users: Array<ImportLine>, unchanged: number, seats: Array<SeatNeed>, 
/**
 * What buying the missing seats would add to the monthly bill.
 */
missing_seats_monthly_cents: number, 
/**
 * Nothing stands in the way: apply will do exactly this.
 */
ready: boolean, };

export type ImportReceipt = { added: number, updated: number, unchanged: number, };

export type BulkAction = { "kind": "assign", product_id: number, } | { "kind": "change", product_id: number, } | { "kind": "remove" };

export type BulkRequest = { user_ids: number[], action: BulkAction, };

export type BulkLine = { user_id: number, name: string, 
/**
 * What happens to this user, or why nothing does.
 */
outcome: string, applies: boolean, 
/**
 * The user's call history, voicemails, forwarding and devices are deleted.
 */
deletes_data: boolean, };

export type BulkPreview = { lines: Array<BulkLine>, applies: number, seats_needed: number, seats_available: number, 
/**
 * Why nothing can be applied: too few seats.
 */
shortfall: string | null, 
/**
 * Users whose data would be deleted (removal, or a change of license type).
 */
deleting: number, 
/**
 * Totals of what would be deleted, in one sentence.
 */
data_loss: string | null, };

export type BulkReceipt = { applied: number, skipped: number, 
/**
 * One safety archive per user whose data was deleted.
 */
safety_archives: number, message: string, };

export type SavingsReason = { "kind": "suspended" } | { "kind": "idle", last_call: string | null, } | { "kind": "over_licensed", unused: Array<Feature>, } | { "kind": "unassigned" };

export type ReclaimAction = "remove" | "step_down" | "cancel";

export type StepDown = { product_id: number, product_name: string, monthly_price_cents: number, };

export type SavingsLine = { 
/**
 * Stable within a listing: "user-<id>" or "product-<id>".
 */
key: string, 
/**
 * The holder, for a user's line; None for unassigned seats.
 */
user_id: number | null, user_name: string | null, product_id: number, product_name: string, 
/**
 * 1 for a user's line; the number of seats for unassigned seats.
 */
quantity: number, reasons: Array<SavingsReason>, 
/**
 * The reasons as one sentence for the table.
 */
reason: string, 
/**
 * What the line costs each month now.
 */
monthly_cost_cents: number, step_down: StepDown | null, suggested: ReclaimAction, };

export type Savings = { currency: string, idle_days: number, lines: Array<SavingsLine>, total_monthly_cents: number, };

export type ReclaimItem = { "kind": "remove", user_id: number, } | { "kind": "step_down", user_id: number, product_id: number, } | { "kind": "cancel_unassigned", product_id: number, };

export type ReclaimRequest = { items: Array<ReclaimItem>, };

export type ReclaimStep = { 
/**
 * The user's name, or "Unassigned <Product> seats".
 */
label: string, outcome: string, deletes_data: boolean, };

export type ReclaimCancellation = { product_id: number, product_name: string, quantity: number, monthly_cents: number, };

export type ReclaimPreview = { steps: Array<ReclaimStep>, cancellations: Array<ReclaimCancellation>, removals: number, step_downs: number, 
/**
 * When the cancelled seats stop being billed: the notice period, then the billing day.
 */
effective_on: string, current_total_cents: number, new_total_cents: number, 
/**
 * What the monthly bill goes down by from `effective_on`.
 */
saving_cents: number, currency: string, 
/**
 * The text of the native confirmation "Reclaim licenses?".
 */
question: string, };

export type ReclaimReceipt = { preview: ReclaimPreview, export: BundleReceipt | null, safety_archives: number, message: string, };

export type ProductSetup = { name: string, family: LicenseFamily, features: Array<Feature>, 
/**
 * As typed: "32.00", "32", "1,200.50".
 */
monthly_price: string, 
/**
 * Seats already owned.
 */
seats: string, };

export type OrgSetup = { organization_name: string, currency: string, billing_day: string, notice_period_days: string, sites: Array<string>, 
/**
 * Where the sites are (ISO 3166 alpha-2): numbers written without their country code
 * are read as numbers of this country.
 */
country: string, admin_login: string, admin_name: string, admin_password: string, products: Array<ProductSetup>, };

export type AppInfo = { version: string, 
/**
 * The organization file this window works on, or its server without the password.
 */
database_path: string, 
/**
 * True when `database_path` is a server's address, not a file.
 */
on_server: boolean, 
/**
 * The schema version this build writes (see `db::schema_version`).
 */
schema_version: number, };

export type ProgressEvent = { done: number, total: number, };

export type MenuCommand = "file_new" | "file_open" | "file_connect_server" | "file_move_to_server" | "file_export_users" | "view_users" | "view_licenses" | "view_billing" | "view_recordings" | "view_audit_log" | "help_about" | "help_shortcuts";

export type ServerStatus = { reachable: boolean, 
/**
 * Why not, when it is not.
 */
reason: string | null, };

export type BackupReason = "daily" | "before_migration" | "manual" | "before_restore";

export type BackupInfo = { 
/**
 * The file name inside the backup folder; what restore takes.
 */
file_name: string, 
/**
 * When it was taken, RFC 3339 UTC.
 */
created_at: string, reason: BackupReason, size_bytes: number, 
/**
 * The schema version inside, None when the file cannot be read.
 */
schema_version: number | null, };

export type BackupOverview = { 
/**
 * The organization file's path, or (on a server) the server without its password.
 */
database_path: string, 
/**
 * The organization is on a server: its backups are the server's own (pg_dump), and
 * LicenseDesk lists and takes none.
 */
on_server: boolean, backup_folder: string, 
/**
 * Newest first.
 */
backups: Array<BackupInfo>, keep: number, 
/**
 * Set when the automatic backup at open failed (the app still works).
 */
warning: string | null, };

export type RestoreReceipt = { restored: BackupInfo, 
/**
 * The state just before the restore, so that the restore itself can be undone.
 */
before_restore: BackupInfo, 
/**
 * False when the signed-in account does not exist (or is disabled) in the restored file.
 */
still_signed_in: boolean, };

/** Every permission, by its name in core (`Permission::UsersView` is `PERMISSION.UsersView`). */
export const PERMISSION = {
  UsersView: "users.view",
  UsersEdit: "users.edit",
  LicensesView: "licenses.view",
  LicensesAssign: "licenses.assign",
  LicensesRemove: "licenses.remove",
  BillingView: "billing.view",
  BillingManage: "billing.manage",
  NumbersManage: "numbers.manage",
  SettingsManage: "settings.manage",
  RecordingsView: "recordings.view",
  AuditView: "audit.view",
  AdminsManage: "admins.manage",
} as const satisfies Record<string, Permission>;

/** Every field an error can name with a fixed key (`ErrorPayload.field`), and its label. */
export const FIELD_LABELS = {
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  department: "Department",
  site: "Site",
  license: "License",
  quantity: "Quantity",
  account: "Account",
  name: "Name",
  role: "Role",
  password: "Password",
  status: "Status",
  extension: "Extension",
  phoneNumber: "Phone number",
  voicemailPin: "Voicemail PIN",
  voicemail: "Voicemail",
  greeting: "Greeting",
  rings: "Rings",
  forwardTo: "Forward to",
  appAccess: "App access",
  desktopApp: "Desktop app",
  mobileApp: "Mobile app",
  webApp: "Web app",
  videoMeetings: "Video meetings",
  model: "Model",
  macAddress: "MAC address",
  deviceType: "Device type",
  organization: "Organization",
  organizationName: "Organization name",
  currency: "Currency",
  country: "Country",
  billingDay: "Billing day",
  noticePeriod: "Notice period",
  idleDays: "Days without calls",
  yourName: "Your name",
  sites: "Sites",
  products: "Products",
  backup: "Backup",
  file: "File",
  user: "User",
  users: "Users",
  action: "Action",
  from: "From",
  to: "To",
  pageSize: "Page size",
  request: "Request",
  path: "File name",
  server: "Server address",
} as const;

/** A part of the n-th product of the first-run setup. */
export type ProductPart = "name" | "licenseType" | "features" | "price" | "seats";

/** How a message names each part: "Product 2 license type". */
export const PRODUCT_PART_LABELS = {
  name: "name",
  licenseType: "license type",
  features: "features",
  price: "price",
  seats: "seats",
} as const satisfies Record<ProductPart, string>;

/** A field key: a fixed one, or `product.<n>.<part>` for the setup's products. */
export type FieldKey = keyof typeof FIELD_LABELS | `product.${number}.${ProductPart}`;

/** The fields a users file can fill, as the import's mapping step names them. */
export const IMPORT_FIELD_LABELS = {
  first_name: "First name",
  last_name: "Last name",
  display_name: "Display name",
  email: "Email",
  department: "Department",
  site: "Site",
  extension: "Extension",
  phone_number: "Phone number",
  license: "License",
} as const satisfies Record<ImportField, string>;

/** Days a safety archive keeps a removed user's data. */
export const SAFETY_ARCHIVE_DAYS = 30;

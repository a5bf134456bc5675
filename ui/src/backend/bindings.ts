// Generated from the Rust types in core/ by `make bindings`. Do not edit.

export type ErrorPayload = { code: string, message: string, field?: string, };

export type Permission = "users.view" | "users.edit" | "licenses.view" | "licenses.assign" | "licenses.remove" | "billing.view" | "billing.manage" | "numbers.manage" | "settings.manage" | "recordings.view" | "audit.view" | "admins.manage";

export type MissingPermission = { permission: Permission, label: string, message: string, };

export type SessionInfo = { account_id: number, login: string, display_name: string, role: string, organization: string, permissions: Array<Permission>, 
/**
 * One explanation for each permission the role lacks.
 */
missing: Array<MissingPermission>, };

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

export type UserPage = { users: Array<UserRow>, next: UserCursor | null, 
/**
 * How many users match in all; counted with the first page only (`after` is null).
 */
total: number | null, };

export type BundleReceipt = { path: string, files: number, bytes: number, sha256: string, };

export type RemovalImpact = { user_id: number, user_name: string, product_name: string, call_history: number, forwarding_rules: number, voicemails: number, voicemail_greetings: number, device_activations: number, voicemail_settings: boolean, phone_number: string | null, extension: string | null, recordings_kept: number, 
/**
 * The impact in one paragraph, for the native confirmation.
 */
summary: string, };

export type RemoveLicense = { user_id: number, expected_version: number, };

export type RemovalReceipt = { user: UserDetail, impact: RemovalImpact, safety_archive: BundleReceipt, 
/**
 * The seat is still paid for: what that costs and how to stop it.
 */
billing_note: string, };

export type SafetyArchive = { path: string, created_at: string, expires_at: string, 
/**
 * False once it has expired and been deleted (or was moved away).
 */
present: boolean, };

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
effective_on: string, };

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

export type AuditVerification = { entries: number, first_broken: number | null, message: string, };

export type AccountChoice = { login: string, display_name: string, role: string, };

export type AccountRow = { id: number, login: string, display_name: string, role: string, active: boolean, };

export type NewAccount = { login: string, display_name: string, role: string, password: string, };

export type AccountUpdate = { account_id: number, role: string, active: boolean, };

export type OpenFailure = { path: string, error: ErrorPayload, advice: string, };

// The fields core names in its errors (`ErrorPayload.field`), one key each. Core sends the
// field's label today ("MAC address"), so the UI compares through this one map and never
// through a label typed in a component: a renamed label changes here, once.
// See docs/ARCHITECTURE.md (Errors).
import type { BackendError } from "./index";

export const FIELDS = {
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
  extension: "Extension",
  phoneNumber: "Phone number",
  voicemailPin: "Voicemail PIN",
  greeting: "Greeting",
  rings: "Rings",
  forwardTo: "Forward to",
  model: "Model",
  macAddress: "MAC address",
  deviceType: "Device type",
  organization: "Organization",
  organizationName: "Organization name",
  currency: "Currency",
  billingDay: "Billing day",
  noticePeriod: "Notice period",
  yourName: "Your name",
  sites: "Sites",
  products: "Products",
} as const;

export type FieldKey = keyof typeof FIELDS;

/** A field of the n-th product (from 1) in the first-run setup: "Product 2 features". */
export const productField = (n: number, part: "name" | "license type" | "features" | "price" | "seats") =>
  `Product ${n} ${part}`;

/** A field name as core sends it: a value of FIELDS, or one built by this module. */
export type FieldName = (typeof FIELDS)[FieldKey] | ReturnType<typeof productField>;

/** Whether `error` is about `field`. */
export function isFieldError(error: BackendError | null | undefined, field: FieldName): boolean {
  return error?.field !== undefined && error.field === field;
}

/** The reason to show next to `field`, when `error` is about it. */
export function fieldReason(error: BackendError | null | undefined, field: FieldName): string | null {
  return error && isFieldError(error, field) ? error.reason : null;
}

// The fields core names in its errors (`ErrorPayload.field`), by their stable key. Components
// compare keys (`FIELDS.macAddress` is "macAddress") and show labels from the generated
// `FIELD_LABELS`, so a label can change in core without breaking a comparison here.
// See docs/ARCHITECTURE.md (Errors).
import type { BackendError } from "./index";
import { FIELD_LABELS, PRODUCT_PART_LABELS, type FieldKey, type ProductPart } from "./bindings";

export type { FieldKey };

type FixedKey = keyof typeof FIELD_LABELS;

export const FIELDS = Object.fromEntries(Object.keys(FIELD_LABELS).map((k) => [k, k])) as {
  readonly [K in FixedKey]: K;
};

/** A field of the n-th product (from 1) in the first-run setup: "product.2.features". */
export const productField = (n: number, part: ProductPart): FieldKey => `product.${n}.${part}`;

/** The label of a field, as core's messages name it: "MAC address", "Product 2 features". */
export function fieldLabel(field: FieldKey): string {
  const product = /^product\.(\d+)\.(\w+)$/.exec(field);
  if (product) return `Product ${product[1]} ${PRODUCT_PART_LABELS[product[2] as ProductPart]}`;
  return FIELD_LABELS[field as FixedKey];
}

/** Whether `error` is about `field`. */
export function isFieldError(error: BackendError | null | undefined, field: FieldKey): boolean {
  return error?.field !== undefined && error.field === field;
}

/** The reason to show next to `field`, when `error` is about it. */
export function fieldReason(error: BackendError | null | undefined, field: FieldKey): string | null {
  return error && isFieldError(error, field) ? error.reason : null;
}

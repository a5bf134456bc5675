import type { Feature, ProductInventory, UserDetail } from "../backend";
import { FEATURE_LABELS } from "../format";

/** The value of the License combobox: a product id, or "none". */
export type LicenseChoice = number | "none";

export function currentChoice(user: UserDetail): LicenseChoice {
  return user.license ? user.license.product_id : "none";
}

export type PendingChange =
  | { kind: "none" }
  | { kind: "assign"; product: ProductInventory; gains: Feature[] }
  | { kind: "remove"; productName: string };

/** What Save would do, for the summary shown before it. A removal counts only once confirmed. */
export function pendingChange(
  user: UserDetail,
  choice: LicenseChoice,
  products: ProductInventory[],
  removalConfirmed = false,
): PendingChange {
  if (removalConfirmed && user.license) return { kind: "remove", productName: user.license.product_name };
  if (choice === currentChoice(user) || choice === "none") return { kind: "none" };
  const product = products.find((p) => p.product_id === choice);
  if (!product) return { kind: "none" };
  return { kind: "assign", product, gains: product.features };
}

export function describeFeatures(features: Feature[]): string {
  return features.length ? features.map((f) => FEATURE_LABELS[f]).join(", ") : "no features";
}

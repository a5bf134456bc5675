import type { ChangePreview, Feature, ProductInventory, RemovalImpact, UserDetail } from "../backend";
import { FEATURE_LABELS } from "../ui/format";

/** The value of the License combobox: a product id, or "none". */
export type LicenseChoice = number | "none";

export function currentChoice(user: UserDetail): LicenseChoice {
  return user.license ? user.license.product_id : "none";
}

/** A removal or a change started in the editor; ones that delete data wait for the native confirmation. */
export type Staged =
  | { kind: "removal"; impact: RemovalImpact; confirmed: boolean }
  | { kind: "change"; preview: ChangePreview; productId: number; confirmed: boolean };

export type PendingChange =
  | { kind: "none" }
  | { kind: "assign"; product: ProductInventory; gains: Feature[] }
  | { kind: "remove"; productName: string }
  | { kind: "change"; preview: ChangePreview; productId: number };

/** The data-loss warning to show before confirmation, if any. */
export function unconfirmedImpact(staged: Staged | null): RemovalImpact | null {
  if (!staged || staged.confirmed) return null;
  return staged.kind === "removal" ? staged.impact : staged.preview.removal;
}

/** What Save would do, for the summary shown before it. */
export function pendingChange(
  user: UserDetail,
  choice: LicenseChoice,
  products: ProductInventory[],
  staged: Staged | null = null,
): PendingChange {
  if (staged?.kind === "removal") {
    return staged.confirmed && user.license ? { kind: "remove", productName: user.license.product_name } : { kind: "none" };
  }
  if (staged?.kind === "change") {
    const ready = staged.confirmed || staged.preview.kind === "same_family";
    return ready ? { kind: "change", preview: staged.preview, productId: staged.productId } : { kind: "none" };
  }
  if (user.license || choice === "none") return { kind: "none" };
  const product = products.find((p) => p.product_id === choice);
  if (!product) return { kind: "none" };
  return { kind: "assign", product, gains: product.features };
}

export function describeFeatures(features: Feature[]): string {
  return features.length ? features.map((f) => FEATURE_LABELS[f]).join(", ") : "no features";
}

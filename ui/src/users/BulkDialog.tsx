import { useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { backend, BackendError, type BulkAction, type BulkPreview, type ProductInventory } from "../backend";
import { CANCELLED, ProgressView, useLongWork } from "../ui/LongWork";
import { useStep } from "../ui/useStep";

type Kind = BulkAction["kind"];

/** Lines shown of the preview: enough to check, not 100,000 rows in the page. */
const SHOWN = 500;

type Props = {
  /** The action the admin picked in the bar; can still be changed here. */
  initial: Kind;
  userIds: number[];
  products: ProductInventory[];
  onClose: () => void;
  onDone: (message: string) => void;
};

const KINDS: [Kind, string][] = [
  ["assign", "Assign license"],
  ["change", "Change license"],
  ["remove", "Remove license"],
];

/** Assign, change or remove the license of every selected user, after a per-user preview. */
export function BulkDialog({ initial, userIds, products, onClose, onDone }: Props) {
  const id = useId();
  const [kind, setKind] = useState<Kind>(initial);
  const [productId, setProductId] = useState<string>(products[0] ? String(products[0].product_id) : "");
  // An export or the apply; a cancel in the native confirmation is no failure.
  const { busy: working, error: failure, step: run } = useStep();
  const [notice, setNotice] = useState<string | null>(null);
  const exporting = useLongWork();
  const action: BulkAction = kind === "remove" ? { kind } : { kind, product_id: Number(productId) };
  const request = { user_ids: userIds, action };

  // The preview follows the chosen action at once: what happens per user, and the seats.
  const previewQuery = useQuery({
    queryKey: ["bulk-preview", request],
    queryFn: () => backend.bulkPreview(request),
    enabled: kind === "remove" || productId !== "",
  });
  const preview: BulkPreview | null = previewQuery.data ?? null;
  const busy = working || previewQuery.isFetching;
  const error = failure ?? (previewQuery.error as BackendError | null);

  const exportData = () =>
    run(async () => {
      const today = new Date().toISOString().slice(0, 10);
      setNotice(null);
      const receipt = await exporting.watch((onProgress) =>
        backend.exportSelectedUserData(userIds, `users-export-${today}.zip`, onProgress),
      );
      if (receipt === CANCELLED) setNotice("Export cancelled: no file was written.");
      else if (receipt) setNotice(`User data exported to ${receipt.path} (${receipt.files} files).`);
    });
  const apply = () =>
    run(async () => {
      const receipt = await backend.bulkApply(request);
      onDone(receipt.message);
    });

  // Esc stops the long work while it runs; otherwise it closes, unless a step is under way.
  function onCancel() {
    if (exporting.shown) exporting.cancel();
    else if (!busy) onClose();
  }

  return (
    <Dialog labelledBy={`${id}-title`} className="dialog dialog-wide" onCancel={onCancel}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>
          Change licenses of {userIds.length} user{userIds.length === 1 ? "" : "s"}
        </h2>
        <p className="muted">One step for all of them: it applies to every user it can, or to none.</p>
      </header>
      <div className="dialog-body">
        <div className="form-grid">
          <label htmlFor={`${id}-kind`}>Bulk action</label>
          <select id={`${id}-kind`} value={kind} disabled={busy} onChange={(e) => {
              setNotice(null);
              setKind(e.target.value as Kind);
            }}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
          {kind !== "remove" && (
            <>
              <label htmlFor={`${id}-product`}>Product</label>
              <select id={`${id}-product`} value={productId} disabled={busy} onChange={(e) => {
                  setNotice(null);
                  setProductId(e.target.value);
                }}>
                {products.map((p) => (
                  <option key={p.product_id} value={String(p.product_id)}>
                    {p.name} ({p.available} available)
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
        {busy && !preview && <progress className="busy" aria-label="Checking" />}
        {preview && (
          <>
            {kind !== "remove" && (
              <p className={preview.shortfall ? "field-error" : "help"}>
                {preview.shortfall ??
                  `${preview.seats_needed} licenses needed, ${preview.seats_available} free: uses licenses already paid for.`}
              </p>
            )}
            {preview.data_loss && (
              <section className="removal-warning" aria-labelledby={`${id}-loss`}>
                <h3 id={`${id}-loss`}>Warning: data loss</h3>
                <p>{preview.data_loss}</p>
                <div className="buttons">
                  <button type="button" onClick={() => void exportData()} disabled={busy}>
                    Export user data
                  </button>
                </div>
                <ProgressView title="Exporting user data" label="Export progress" unit="users" work={exporting} />
              </section>
            )}
            <table className="grid compact">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">What happens</th>
                </tr>
              </thead>
              <tbody>
                {preview.lines.slice(0, SHOWN).map((l) => (
                  <tr key={l.user_id} className={l.applies ? undefined : "skipped"}>
                    <th scope="row">{l.name}</th>
                    <td>{l.outcome}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.lines.length > SHOWN && (
              <p className="muted">And {(preview.lines.length - SHOWN).toLocaleString("en-US")} more users.</p>
            )}
          </>
        )}
      </div>
      <DialogFooter notice={notice} error={error?.message ?? null}>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className={preview?.deleting ? "danger" : "primary"}
            disabled={busy || !preview || preview.applies === 0 || preview.shortfall !== null}
            onClick={() => void apply()}
          >
            Apply to {preview?.applies ?? 0} user{preview?.applies === 1 ? "" : "s"}
          </button>
      </DialogFooter>
    </Dialog>
  );
}

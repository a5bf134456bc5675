import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useInvalidate } from "../backend/queries";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { Field } from "../ui/Field";
import { backend, BackendError, type CostPreview, type ProductInventory } from "../backend";
import { formatCents } from "../ui/format";
import { FIELDS } from "../backend/fields";

export type SeatChangeMode = "purchase" | "cancel";

type Props = {
  mode: SeatChangeMode;
  products: ProductInventory[];
  initialProductId?: number;
  onClose: () => void;
  onDone: (result: CostPreview, message: string) => void;
};

const TEXT = {
  purchase: { title: "Purchase licenses", submit: "Purchase" },
  cancel: { title: "Request cancellation", submit: "Request cancellation" },
};

function plural(n: number, what: string) {
  return `${n} ${what} ${n === 1 ? "license" : "licenses"}`;
}

/** Buy seats, or request a partial cancellation of unassigned ones; both end in a native confirmation. */
export function SeatChangeForm({ mode, products, initialProductId, onClose, onDone }: Props) {
  const ids = useId();
  const offered = mode === "cancel" ? products.filter((p) => p.available > 0) : products;
  const [productId, setProductId] = useState<number>(initialProductId ?? offered[0]?.product_id ?? 0);
  const [quantity, setQuantity] = useState("1");
  const firstRef = useRef<HTMLSelectElement>(null);
  const product = products.find((p) => p.product_id === productId);
  const invalidate = useInvalidate();

  useEffect(() => firstRef.current?.focus(), []);

  // The preview follows what is typed; its errors are the same checks Save will make.
  const previewQuery = useQuery({
    queryKey: ["seat-change-preview", mode, productId, quantity],
    queryFn: () => {
      const request = { product_id: productId, quantity };
      return mode === "purchase" ? backend.purchasePreview(request) : backend.cancellationPreview(request);
    },
    enabled: productId !== 0,
    placeholderData: keepPreviousData,
  });
  const preview = previewQuery.data ?? null;

  const change = useMutation({
    mutationFn: (request: { product_id: number; quantity: string }) =>
      mode === "purchase" ? backend.purchaseLicenses(request) : backend.requestCancellation(request),
    onSuccess: (done) => {
      if (done) void invalidate.seats();
    },
  });
  const busy = change.isPending;
  const error = (change.error ?? previewQuery.error) as BackendError | null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const done = await change.mutateAsync({ product_id: productId, quantity }).catch(() => null);
    if (!done) return; // Cancelled in the native confirmation (or refused): the form stays as it was.
    onDone(
      done,
      mode === "purchase"
        ? `Purchased ${plural(done.quantity, done.product_name)}. Your monthly total is now ${formatCents(done.new_total_cents)}.`
        : `Cancellation of ${plural(done.quantity, done.product_name)} requested. They stay billed until ${done.effective_on}; from then your monthly total is ${formatCents(done.new_total_cents)}.`,
    );
  }

  const quantityError = error?.field === FIELDS.quantity ? error.reason : null;

  return (
    <Dialog labelledBy={`${ids}-title`} className="dialog dialog-small" onCancel={onClose} onSubmit={submit}>
      <header className="dialog-head">
        <h2 id={`${ids}-title`}>{TEXT[mode].title}</h2>
        <p className="muted">
          {mode === "purchase"
            ? "New licenses are billed from today and can be assigned at once."
            : "Only unassigned licenses can be cancelled. They stop being assignable now and stop being billed on the effective date."}
        </p>
      </header>
      <div className="dialog-body form-grid">
        {offered.length === 0 ? (
          <p>Every license is assigned: there is nothing to cancel. Remove a license from a user first.</p>
        ) : (
          <>
            <label htmlFor={`${ids}-product`}>Product</label>
            <select
              id={`${ids}-product`}
              ref={firstRef}
              value={productId}
              onChange={(e) => {
                change.reset();
                setProductId(Number(e.target.value));
              }}
            >
              {offered.map((p) => (
                <option key={p.product_id} value={p.product_id}>
                  {mode === "cancel"
                    ? `${p.name} (${p.available} unassigned)`
                    : `${p.name} (${formatCents(p.monthly_price_cents)}/month)`}
                </option>
              ))}
            </select>
            <Field id={`${ids}-quantity`} label="Quantity" error={quantityError}>
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={1}
                  max={mode === "cancel" ? product?.available : 1000}
                  step={1}
                  inputMode="numeric"
                  value={quantity}
                  onChange={(e) => {
                    change.reset();
                    setQuantity(e.target.value);
                  }}
                />
              )}
            </Field>
          </>
        )}
        {preview && (
          <div className="preview">
            <div>
              Monthly total now <strong>{formatCents(preview.current_total_cents)}</strong>
            </div>
            <div>
              {mode === "purchase" ? "After the purchase" : `From ${preview.effective_on}`}{" "}
              <strong>{formatCents(preview.new_total_cents)}</strong>{" "}
              <span className={mode === "purchase" ? "delta-up" : "delta-down"}>
                ({mode === "purchase" ? "+" : "−"}
                {formatCents(Math.abs(preview.new_total_cents - preview.current_total_cents))}/month)
              </span>
            </div>
          </div>
        )}
      </div>
      <DialogFooter error={error?.message ?? null}>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || offered.length === 0 || preview === null}>
          {TEXT[mode].submit}
        </button>
      </DialogFooter>
    </Dialog>
  );
}

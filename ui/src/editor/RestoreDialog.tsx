import { useId, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import {
  backend,
  isCancelled,
  PERMISSION,
  type BackendError,
  type NumberOutcome,
  type RestorePreview,
  type RestoreRequest,
  type SessionInfo,
  type UserRestore,
} from "../backend";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { formatCents } from "../ui/format";
import { missingPermission } from "../ui/ReadOnlyReason";

/** What the dialog restores: one archive (maybe its whole bulk removal), or a reactivation. */
export type RestoreTarget =
  | { kind: "archive"; userId: number; archiveId: number; batchSize: number }
  | { kind: "reactivate"; userId: number; userName: string; version: number };

type Props = {
  target: RestoreTarget;
  session: SessionInfo;
  onClose: () => void;
  /** The restore went through: its status message. */
  onDone: (message: string) => void;
};

/** The admin's pick for an extension or number: the one the preview offers, or none. */
type Picks = Record<number, { extension: boolean; phone: boolean }>;

function NumberChoice({
  id,
  label,
  outcome,
  keep,
  onChange,
}: {
  id: string;
  label: string;
  outcome: NumberOutcome;
  keep: boolean;
  onChange: (keep: boolean) => void;
}) {
  if (!outcome.archived) return null;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={keep ? "offered" : "none"} onChange={(e) => onChange(e.target.value === "offered")} aria-describedby={`${id}-note`}>
        {outcome.restored && <option value="offered">{outcome.restored}{outcome.holder ? " (suggested)" : ""}</option>}
        <option value="none">None</option>
      </select>
      <p id={`${id}-note`} className="help">
        {outcome.note}
      </p>
    </div>
  );
}

function UserLines({ u, picks, setPick, showName }: { u: UserRestore; picks: Picks; setPick: (p: Picks) => void; showName: boolean }) {
  const id = useId();
  const pick = picks[u.archive_id] ?? { extension: true, phone: true };
  const back = u.counts.filter((c) => c.count > 0);
  return (
    <section className="restore-user" aria-label={u.user_name}>
      {showName && <h3>{u.user_name}</h3>}
      <p>
        License: <strong>{u.product_name}</strong>
        {u.seat_free ? " (a seat is free)" : " (no seat is free: one must be purchased)"}
      </p>
      {back.length === 0 ? (
        <p className="muted">No data was archived.</p>
      ) : (
        <ul className="restore-counts" aria-label={`Data restored for ${u.user_name}`}>
          {back.map((c) => (
            <li key={c.kind}>{c.label}</li>
          ))}
        </ul>
      )}
      <NumberChoice
        id={`${id}-ext`}
        label="Extension"
        outcome={u.extension}
        keep={pick.extension && u.extension.restored !== null}
        onChange={(extension) => setPick({ ...picks, [u.archive_id]: { ...pick, extension } })}
      />
      <NumberChoice
        id={`${id}-number`}
        label="Phone number"
        outcome={u.phone_number}
        keep={pick.phone && u.phone_number.restored !== null}
        onChange={(phone) => setPick({ ...picks, [u.archive_id]: { ...pick, phone } })}
      />
      {u.left_out.length > 0 && (
        <>
          <p className="restore-left-out-title">Left out:</p>
          <ul className="restore-left-out">
            {u.left_out.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The request for the preview as shown, with the admin's picks (and the editor's version of the user, for a reactivation). */
export function restoreRequest(
  preview: RestorePreview,
  archiveId: number,
  wholeBatch: boolean,
  picks: Picks,
  purchase: boolean,
  version?: number,
): RestoreRequest {
  return {
    archive_id: archiveId,
    whole_batch: wholeBatch,
    purchase_seats: purchase,
    choices: preview.users.map((u) => {
      const pick = picks[u.archive_id] ?? { extension: true, phone: true };
      return {
        archive_id: u.archive_id,
        expected_version: version ?? u.expected_version,
        extension: pick.extension ? u.extension.restored : null,
        phone_number: pick.phone ? u.phone_number.restored : null,
      };
    }),
  };
}

/**
 * "Restore license and data" (or a reactivation): what comes back, the admin's choices for a
 * taken extension or number and a missing seat, then Restore, which asks natively first.
 */
export function RestoreDialog({ target, session, onClose, onDone }: Props) {
  const id = useId();
  const [wholeBatch, setWholeBatch] = useState(target.kind === "archive" && target.batchSize > 1);
  const [picks, setPicks] = useState<Picks>({});
  const [purchase, setPurchase] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reactivating = target.kind === "reactivate";
  const previewQuery = useQuery({
    queryKey: ["user", target.userId, "restore", target.kind === "archive" ? target.archiveId : "reactivate", wholeBatch],
    queryFn: async () =>
      target.kind === "archive"
        ? { restore: await backend.restorePreview(target.archiveId, wholeBatch), note: null, summary: null }
        : await backend.reactivationPreview(target.userId),
  });
  const restore = previewQuery.data?.restore ?? null;
  const purchases = restore?.purchases ?? [];
  const noBilling = missingPermission(session, PERMISSION.BillingManage);
  const go = useMutation({
    mutationFn: async () => {
      if (target.kind === "archive") {
        if (!restore) throw new Error("The preview is still loading.");
        const receipt = await backend.restoreFromArchive(restoreRequest(restore, target.archiveId, wholeBatch, picks, purchase));
        return receipt.message;
      }
      const first = restore?.users[0];
      const req = restore && first ? restoreRequest(restore, first.archive_id, false, picks, purchase, target.version) : null;
      const receipt = await backend.reactivateUser({ user_id: target.userId, expected_version: target.version, restore: req });
      return receipt.message;
    },
    onMutate: () => setError(null),
    onSuccess: (message) => onDone(message),
    onError: (e) => {
      if (!isCancelled(e)) setError((e as BackendError).message);
    },
  });
  const loadError = (previewQuery.error as BackendError | null)?.message ?? null;
  const title = reactivating ? `Reactivate ${target.userName}` : "Restore license and data";
  const blocked = purchases.length > 0 && !purchase;

  return (
    <Dialog labelledBy={`${id}-title`} className="dialog dialog-restore" onCancel={() => !go.isPending && onClose()}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>{title}</h2>
      </header>
      <div className="dialog-body">
        {previewQuery.isPending && <p className="muted">Reading the safety archive…</p>}
        {previewQuery.data && reactivating && (
          <p>
            {target.userName} becomes active again{restore ? ", with the license and data of the offboarding's safety archive:" : "."}
          </p>
        )}
        {previewQuery.data?.note && <p className="muted">{previewQuery.data.note}</p>}
        {target.kind === "archive" && target.batchSize > 1 && (
          <label className="check">
            <input type="checkbox" checked={wholeBatch} onChange={(e) => setWholeBatch(e.target.checked)} disabled={go.isPending} />
            Restore the whole bulk removal ({target.batchSize} users)
          </label>
        )}
        {restore?.users.map((u) => (
          <UserLines key={u.archive_id} u={u} picks={picks} setPick={setPicks} showName={restore.users.length > 1 || !reactivating} />
        ))}
        {purchases.map((p) => (
          <div key={p.product_name} className="restore-purchase">
            <p>
              No {p.product_name} seat is free. Buying {p.quantity} at {formatCents(p.unit_price_cents)}/month takes the
              monthly total from {formatCents(p.current_total_cents)} to {formatCents(p.new_total_cents)}.
            </p>
            <label className="check">
              <input
                type="checkbox"
                checked={purchase}
                disabled={noBilling !== null || go.isPending}
                onChange={(e) => setPurchase(e.target.checked)}
              />
              Purchase {p.quantity} {p.product_name} {p.quantity === 1 ? "license" : "licenses"}
            </label>
            {noBilling && <p className="help">{noBilling.message}</p>}
          </div>
        ))}
      </div>
      <DialogFooter error={error ?? loadError}>
        <button type="button" onClick={onClose} disabled={go.isPending}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!previewQuery.data || blocked || go.isPending} onClick={() => go.mutate()}>
          {reactivating ? "Reactivate" : "Restore"}
        </button>
      </DialogFooter>
    </Dialog>
  );
}

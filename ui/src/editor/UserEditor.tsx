import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import {
  backend,
  BackendError,
  type ProductInventory,
  type RemovalImpact,
  type SessionInfo,
  type UserDetail,
} from "../backend";
import { FAMILY_LABELS, licenseOptionLabel } from "../format";
import { missingPermission, ReadOnlyReason } from "../components/ReadOnlyReason";
import { currentChoice, describeFeatures, pendingChange, type LicenseChoice } from "./licenseChange";
import { RemovalWarning } from "./RemovalWarning";
import { SeatChangeForm } from "../billing/SeatChangeForm";

/** A removal in progress: the warning is shown, then the native confirmation stages it. */
type Removal = { impact: RemovalImpact; confirmed: boolean };

type Tab = "Profile" | "Services and Permissions";
const TABS: Tab[] = ["Profile", "Services and Permissions"];

type Props = {
  userId: number;
  name: string;
  session: SessionInfo;
  onClose: () => void;
  onSaved: (user: UserDetail, message: string) => void;
};

export function UserEditor({ userId, name, session, onClose, onSaved }: Props) {
  const [user, setUser] = useState<UserDetail | null>(null);
  const [products, setProducts] = useState<ProductInventory[]>([]);
  const [choice, setChoice] = useState<LicenseChoice>("none");
  const [tab, setTab] = useState<Tab>("Profile");
  const [error, setError] = useState<BackendError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // A removal step (impact, export, native confirmation) is under way.
  const [busy, setBusy] = useState(false);
  const [removal, setRemoval] = useState<Removal | null>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  const ids = useId();
  const lock = missingPermission(session, "licenses.assign");
  const removeLock = missingPermission(session, "licenses.remove");
  const purchaseLock = missingPermission(session, "billing.manage");
  const [purchasing, setPurchasing] = useState(false);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialogRef.current?.focus();
    return () => opener?.focus();
  }, []);

  useEffect(() => {
    Promise.all([backend.getUser(userId), backend.licenseInventory()])
      .then(([u, inv]) => {
        setUser(u);
        setChoice(currentChoice(u));
        setProducts(inv);
      })
      .catch((e: BackendError) => setError(e));
  }, [userId]);

  const change = user ? pendingChange(user, choice, products, removal?.confirmed) : { kind: "none" as const };

  /** Runs a step that talks to the backend, showing its failure in the editor. */
  async function step(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e as BackendError);
    } finally {
      setBusy(false);
    }
  }

  const startRemoval = () =>
    step(async () => {
      if (!user) return;
      setRemoval({ impact: await backend.removalImpact(user.id), confirmed: false });
      setChoice("none");
    });

  const exportData = () =>
    step(async () => {
      if (!user) return;
      setNotice(null);
      const receipt = await backend.exportUserData(user.id);
      if (receipt) setNotice(`User data exported to ${receipt.path} (${receipt.files} files).`);
    });

  const confirmRemoval = () =>
    step(async () => {
      if (!user || !removal) return;
      if (await backend.confirmLicenseRemoval(user.id)) setRemoval({ ...removal, confirmed: true });
    });

  function keepLicense() {
    setRemoval(null);
    if (user) setChoice(currentChoice(user));
  }

  async function save() {
    if (!user) return;
    if (change.kind === "none") {
      onClose();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      if (change.kind === "remove") {
        const receipt = await backend.removeLicense({ user_id: user.id, expected_version: user.version });
        onSaved(receipt.user, `${change.productName} license removed from ${name}. ${receipt.billing_note}`);
      } else {
        const updated = await backend.assignLicense({
          user_id: user.id,
          product_id: change.product.product_id,
          expected_version: user.version,
        });
        onSaved(updated, `${change.product.name} assigned to ${name}.`);
      }
    } catch (e) {
      setError(e as BackendError);
      // Seat counts may have moved (another window took the last seat): show them fresh.
      backend.licenseInventory().then(setProducts).catch(() => undefined);
    } finally {
      setSaving(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.stopPropagation();
      onClose();
    }
  }

  const licenseError = error?.field === "License" ? error.message : null;
  const describedBy = [lock && `${ids}-lock`, licenseError && `${ids}-license-error`, `${ids}-license-help`]
    .filter(Boolean)
    .join(" ");

  return (
    <div className="backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="dialog-head">
          <h2 id={`${ids}-title`}>Edit {name}</h2>
          {user && (
            <p className="muted">
              {user.email} · {user.site}
              {user.status === "suspended" && <span className="badge badge-suspended">Suspended</span>}
            </p>
          )}
        </header>
        <div role="tablist" aria-label="User settings" className="dialog-tabs">
          {TABS.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              id={`${ids}-tab-${t}`}
              aria-selected={tab === t}
              aria-controls={`${ids}-panel`}
              className={tab === t ? "dialog-tab active" : "dialog-tab"}
              onClick={() => setTab(t)}
            >
              {t}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`${ids}-panel`} aria-labelledby={`${ids}-tab-${tab}`} className="dialog-body">
          {!user && !error && <p className="muted">Loading…</p>}
          {user && tab === "Profile" && <Profile user={user} />}
          {user && tab === "Services and Permissions" && (
            <div className="services">
              <label className="field" htmlFor={`${ids}-license`}>
                <span>License</span>
              </label>
              <div className="license-row">
              <select
                id={`${ids}-license`}
                value={String(choice)}
                disabled={lock !== null || saving || busy}
                aria-describedby={describedBy}
                aria-invalid={licenseError ? true : undefined}
                onChange={(e) => {
                  setError(null);
                  if (e.target.value === "none" && user.license) {
                    void startRemoval();
                    return;
                  }
                  setRemoval(null);
                  setChoice(e.target.value === "none" ? "none" : Number(e.target.value));
                }}
              >
                <option value="none">No license</option>
                {products.map((p) => (
                  <option key={p.product_id} value={String(p.product_id)}>
                    {licenseOptionLabel(p)}
                  </option>
                ))}
              </select>
              {user.license && (
                <button
                  type="button"
                  className="remove-license"
                  aria-label="Remove license"
                  title="Remove license"
                  disabled={removeLock !== null || saving || busy || removal !== null}
                  aria-describedby={removeLock ? `${ids}-remove-lock` : undefined}
                  onClick={() => void startRemoval()}
                >
                  ×
                </button>
              )}
              </div>
              {lock && <ReadOnlyReason id={`${ids}-lock`} message={lock.message} />}
              {user.license && removeLock && (
                <ReadOnlyReason id={`${ids}-remove-lock`} message={removeLock.message} />
              )}
              {licenseError && (
                <p id={`${ids}-license-error`} className="field-error">
                  {licenseError}
                </p>
              )}
              {error?.code === "no_license_available" &&
                (purchaseLock ? (
                  <ReadOnlyReason id={`${ids}-purchase-lock`} message={purchaseLock.message} />
                ) : (
                  <p className="next-step">
                    <button type="button" onClick={() => setPurchasing(true)}>
                      Purchase licenses
                    </button>
                  </p>
                ))}
              <p id={`${ids}-license-help`} className="help">
                {user.license
                  ? `Holds ${user.license.product_name} (${FAMILY_LABELS[user.license.family]}): ${describeFeatures(user.features)}.`
                  : "No license: this user cannot make or receive calls."}
              </p>
              {removal && !removal.confirmed && (
                <RemovalWarning
                  impact={removal.impact}
                  busy={busy || saving}
                  onExport={() => void exportData()}
                  onContinue={() => void confirmRemoval()}
                  onKeep={keepLicense}
                />
              )}
              {change.kind === "remove" && (
                <div className="pending pending-remove">
                  <strong>Pending change:</strong> remove {change.productName}. Press Save to delete the data listed
                  before; the license goes back to the pool and stays billed until you cancel it.{" "}
                  <button type="button" className="link" onClick={keepLicense}>
                    Undo
                  </button>
                </div>
              )}
              {change.kind === "assign" && (
                <div className="pending">
                  <strong>Pending change:</strong> assign {change.product.name}, which adds{" "}
                  {describeFeatures(change.gains)}.{" "}
                  {change.product.available > 0
                    ? `Uses one of the ${change.product.available} ${change.product.name} licenses already paid for; your bill does not change.`
                    : `No ${change.product.name} license is free right now: one must be purchased before it can be assigned.`}{" "}
                  Nothing is saved until you press Save.
                </div>
              )}
              <dl className="facts">
                <dt>Extension</dt>
                <dd className="mono">{user.extension ?? "None"}</dd>
                <dt>Phone number</dt>
                <dd className="mono">{user.phone_number ?? "None"}</dd>
              </dl>
            </div>
          )}
        </div>
        {purchasing && (
          <SeatChangeForm
            mode="purchase"
            products={products}
            initialProductId={typeof choice === "number" ? choice : undefined}
            onClose={() => setPurchasing(false)}
            onDone={(_, message) => {
              setPurchasing(false);
              setError(null);
              setNotice(`${message} Press Save to assign one.`);
              backend.licenseInventory().then(setProducts).catch(() => undefined);
            }}
          />
        )}
        <footer className="dialog-foot">
          <div role="status" className={notice ? "message message-success" : "message-empty"}>
            {notice ?? ""}
          </div>
          <div role="alert" className={error ? "message message-failure" : "message-empty"}>
            {error?.message ?? ""}
          </div>
          <div className="buttons">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={save} disabled={saving || busy || !user}>
              {saving ? "Saving…" : "Save"}
            </button>
          </div>
        </footer>
      </div>
    </div>
  );
}

function Profile({ user }: { user: UserDetail }) {
  return (
    <dl className="facts">
      <dt>Name</dt>
      <dd>
        {user.first_name} {user.last_name}
      </dd>
      <dt>Email</dt>
      <dd>{user.email}</dd>
      <dt>Department</dt>
      <dd>{user.department || "None"}</dd>
      <dt>Site</dt>
      <dd>{user.site}</dd>
      <dt>Status</dt>
      <dd>{user.status === "active" ? "Active" : "Suspended"}</dd>
      <dt>Last changed</dt>
      <dd>
        {new Date(user.updated_at).toLocaleString()}
        {user.updated_by ? ` by ${user.updated_by}` : ""}
      </dd>
    </dl>
  );
}

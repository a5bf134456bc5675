import { PERMISSION } from "../backend";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { keys, useInvalidate, useInventory, useSites } from "../backend/queries";
import { FIELDS } from "../backend/fields";
import {
  backend,
  BackendError,
  isCancelled,
  type SavedUserEdits,
  type SessionInfo,
  type UserDetail,
  type UserEdits,
  type UserSetup,
} from "../backend";
import { FAMILY_LABELS, licenseOptionLabel } from "../ui/format";
import { missingPermission, ReadOnlyReason, SwitchAccount } from "../ui/ReadOnlyReason";
import {
  currentChoice,
  describeFeatures,
  pendingChange,
  unconfirmedImpact,
  type LicenseChoice,
  type PendingChange,
  type Staged,
} from "./licenseChange";
import { RemovalWarning } from "./RemovalWarning";
import {
  noEdits,
  profileEdited,
  savedDrafts,
  savedProfile,
  unsavedSections,
  unsavedSetup,
  userEdits,
  type Drafts,
  type ProfileDraft,
} from "./drafts";
import { PROFILE_FIELDS, ProfileForm } from "./ProfileForm";
import { reportUnsaved } from "./leaveGuard";
import { UserHistory } from "./UserHistory";
import { useStep } from "../ui/useStep";
import { SeatChangeForm } from "../billing/SeatChangeForm";
import { UserSetupPanel } from "./setup/UserSetupPanel";
import { Offboarding } from "./Offboarding";
import { shortcutOf } from "../ui/shortcuts";
import { CANCELLED, ProgressView, useLongWork } from "../ui/LongWork";
import { Dialog } from "../ui/Dialog";

export type Tab = "Profile" | "Services and Permissions" | "History";
const TABS: Tab[] = ["Profile", "Services and Permissions", "History"];

/** What the editor's one Save can change: the profile, the license, the number, the setup. */
const EDITOR_PERMISSIONS = [
  PERMISSION.UsersEdit,
  PERMISSION.LicensesAssign,
  PERMISSION.LicensesRemove,
  PERMISSION.NumbersManage,
  PERMISSION.SettingsManage,
];

type Props = {
  userId: number;
  name: string;
  session: SessionInfo;
  onClose: () => void;
  /** A change that closes the editor; `freedSeat` is the product whose seat a removal left billed. */
  onSaved: (user: UserDetail, message: string, freedSeat?: number) => void;
  /** A change made while the editor stays open (a new license, number, extension). */
  onChanged: (user: UserDetail) => void;
  initialTab?: Tab;
  /** Opens the next or previous user of the list (Ctrl+Page Down / Up), if there is one. */
  onNext?: () => void;
  onPrevious?: () => void;
  /** "Switch account…" from a read-only reason: sign in again, then this editor on `tab`. */
  onSwitchAccount?: (tab: Tab) => void;
};

export function UserEditor({
  userId,
  name,
  session,
  onClose,
  onSaved,
  onChanged,
  initialTab,
  onNext,
  onPrevious,
  onSwitchAccount,
}: Props) {
  const client = useQueryClient();
  const invalidate = useInvalidate();
  const userQuery = useQuery({ queryKey: keys.user(userId), queryFn: () => backend.getUser(userId) });
  const inventory = useInventory();
  const sitesQuery = useSites();
  // The user as this editor last saved or reloaded it; until then, as read.
  const [edited, setEdited] = useState<UserDetail | null>(null);
  // The user as shown when the admin began the unsaved edits. A newer version read meanwhile
  // (another admin's change, which a window on a server reads by itself) must not become
  // what they are saved over: the Save is checked against this one, so it is refused and
  // offers Reload instead of overwriting a change the admin never saw.
  const [editedFrom, setEditedFrom] = useState<UserDetail | null>(null);
  // Shown once the user, the seats and the sites are all read.
  const loaded = userQuery.data !== undefined && inventory.data !== undefined && sitesQuery.data !== undefined;
  const user = loaded ? (editedFrom ?? edited ?? userQuery.data ?? null) : null;
  /** The user as saved or reloaded by this editor: what edits from now on are made on. */
  function setUser(updated: UserDetail) {
    setEdited(updated);
    setEditedFrom(null);
  }
  const products = useMemo(() => inventory.data ?? [], [inventory.data]);
  const sites = useMemo(() => sitesQuery.data ?? [], [sitesQuery.data]);
  // null: the user's current license.
  const [chosen, setChoice] = useState<LicenseChoice | null>(null);
  const choice: LicenseChoice = chosen ?? (user ? currentChoice(user) : "none");
  const [tab, setTab] = useState<Tab>(initialTab ?? "Profile");
  // A removal step (impact, export, native confirmation) is under way while busy.
  const { busy, error, setError, step } = useStep();
  const exporting = useLongWork();
  const [notice, setNotice] = useState<string | null>(null);
  // The one Save; `change` is the license change it carries, for what follows.
  const saveEdits = useMutation({
    mutationFn: ({ edits }: { edits: UserEdits; change: PendingChange }) => backend.saveUserEdits(edits),
    onMutate: () => {
      setError(null);
      setNotice(null);
    },
    onSuccess: (saved, { change }) => {
      setSetup(saved);
      setDrafts(savedDrafts(saved.setup));
      setProfile(savedProfile(saved.user, sites));
      reportUnsaved(null);
      if (change.kind === "assign") {
        // The editor stays open on the setup checklist: number, voicemail, forwarding, apps.
        setStaged(null);
        userChanged(saved.user);
        const assignedOnly = saved.saved.length === 1;
        setNotice(
          `${assignedOnly ? `${change.product.name} assigned to ${name}.` : saved.message} Next: the setup checklist below.`,
        );
        void invalidate.seats();
      } else {
        onSaved(saved.user, saved.message, saved.freed_product_id ?? undefined);
      }
    },
    onError: (e) => {
      // Cancel in the native confirmation: nothing was saved, everything typed stays.
      if (isCancelled(e)) return;
      const failure = e as BackendError;
      setError(failure);
      // The refused field is shown next to itself, on its tab.
      if (failure.field && PROFILE_FIELDS.includes(failure.field)) setTab("Profile");
      else if (failure.field && failure.field !== FIELDS.license) setTab("Services and Permissions");
      // Seat counts may have moved (another window took the last seat): show them fresh.
      void invalidate.seats();
    },
  });
  const saving = saveEdits.isPending;
  const [staged, setStaged] = useState<Staged | null>(null);
  const [cancelOld, setCancelOld] = useState(false);
  // What the admin typed; null: nothing yet, the form shows what is stored.
  const [typedDrafts, setDrafts] = useState<Drafts | null>(null);
  const [typedProfile, setProfile] = useState<ProfileDraft | null>(null);
  const licenseRef = useRef<HTMLSelectElement>(null);
  // License is disabled while a change is checked; a keyboard user must not lose their place.
  const licenseHadFocus = useRef(false);
  const ids = useId();
  const lock = missingPermission(session, PERMISSION.LicensesAssign);
  const removeLock = missingPermission(session, PERMISSION.LicensesRemove);
  const purchaseLock = missingPermission(session, PERMISSION.BillingManage);
  // Every section locked (an Auditor, or a server that does not answer): Save has nothing to do.
  const nothingToSave = EDITOR_PERMISSIONS.every((p) => missingPermission(session, p));
  const [purchasing, setPurchasing] = useState(false);

  // The setup sections follow the license; read again whenever the user changes. What the admin
  // typed stays: only a section saved on its own button is reset to what is stored.
  const licensed = user?.license != null;
  const setupQuery = useQuery({
    queryKey: keys.userSetup(userId, user?.version),
    queryFn: () => backend.userSetup(userId),
    enabled: licensed,
    placeholderData: keepPreviousData,
  });
  const setup: UserSetup | null = setupQuery.data ?? null;
  const storedDrafts = useMemo(() => (setup ? savedDrafts(setup) : null), [setup]);
  const drafts = typedDrafts ?? storedDrafts;
  const storedProfile = useMemo(() => (user ? savedProfile(user, sites) : null), [user, sites]);
  const profile = typedProfile ?? storedProfile;
  /** The setup as stored after a save (the read under the user's new version). */
  const setSetup = (saved: SavedUserEdits) => client.setQueryData(keys.userSetup(userId, saved.user.version), saved.setup);
  // A read that failed is shown like a refused step.
  const loadError = (userQuery.error ?? inventory.error ?? sitesQuery.error ?? setupQuery.error) as BackendError | null;

  useEffect(() => {
    if (busy || saving || !licenseHadFocus.current) return;
    licenseHadFocus.current = false;
    const active = document.activeElement;
    if (!active || active === document.body || active === licenseRef.current) licenseRef.current?.focus();
  }, [busy, saving]);

  const change = user ? pendingChange(user, choice, products, staged) : { kind: "none" as const };
  const warning = unconfirmedImpact(staged);
  // A choice that could not become a change (no free seat): Save would do nothing.
  const unresolved = user !== null && choice !== currentChoice(user) && change.kind === "none";
  // An unanswered data-loss warning is not an edit yet: leaving it drops nothing.
  const profileTyped = user !== null && profileEdited(profile, user, sites);
  const unsaved = unsavedSections(change, unresolved && warning === null, drafts, setup, profileTyped);
  // A removal deletes the setup sections: edits typed in them cannot be saved with it.
  const setupTyped = unsavedSetup(drafts, setup);
  const unsavedKey = unsaved.join("|");
  // Adjusted while rendering (React's way for state that follows other state): the first
  // unsaved edit pins the user it was made on; once nothing is unsaved, the newest shows again.
  const editing = unsaved.length > 0;
  if (editing && editedFrom === null && user) setEditedFrom(user);
  else if (!editing && editedFrom !== null) setEditedFrom(null);
  useEffect(() => reportUnsaved(unsavedKey ? { name, sections: unsavedKey.split("|") } : null), [name, unsavedKey]);
  useEffect(() => () => reportUnsaved(null), []);

  /** Leaves the editor (or the user) after asking natively whether to drop unsaved edits. */
  async function leave(then: () => void) {
    if (unsaved.length === 0 || (await backend.confirmDiscard(name, unsaved))) {
      reportUnsaved(null);
      then();
    }
  }

  /** After a section's own save: the user and setup as stored; that section matches them. */
  function sectionSaved(saved: SavedUserEdits, section?: keyof Drafts) {
    setSetup(saved);
    if (section) setDrafts((typed) => typed && { ...typed, [section]: savedDrafts(saved.setup)[section] });
    userChanged(saved.user);
  }

  /** A section's own button: that part alone, against the version the editor showed. */
  async function saveSection(part: Partial<UserEdits>, section?: keyof Drafts): Promise<SavedUserEdits> {
    if (!user) throw new BackendError({ code: "internal", message: `${name} is still loading.` });
    const saved = await backend.saveUserEdits({ ...noEdits(user), ...part });
    sectionSaved(saved, section);
    return saved;
  }

  /** "Switch account…": after the discard question, sign in again and come back here. */
  const switchAccount = onSwitchAccount ? () => void leave(() => onSwitchAccount(tab)) : null;

  function edit<K extends keyof Drafts>(section: K, value: Drafts[K]) {
    setDrafts((typed) => {
      const base = typed ?? storedDrafts;
      return base && { ...base, [section]: value };
    });
  }

  const startRemoval = () =>
    step(async () => {
      if (!user) return;
      setChoice("none");
      setStaged({ kind: "removal", impact: await backend.removalImpact(user.id), confirmed: false });
    });

  // Core checks the target's free seats before any data-loss warning is shown.
  const startChange = (productId: number) =>
    step(async () => {
      if (!user) return;
      setChoice(productId);
      setStaged(null);
      setCancelOld(false);
      setStaged({ kind: "change", preview: await backend.changePreview(user.id, productId), productId, confirmed: false });
    });

  const exportData = () =>
    step(async () => {
      if (!user) return;
      setNotice(null);
      const receipt = await exporting.watch((onProgress) => backend.exportUserData(user.id, onProgress));
      if (receipt === CANCELLED) setNotice("Export cancelled: no file was written.");
      else if (receipt) setNotice(`User data exported to ${receipt.path} (${receipt.files} files).`);
    });

  // The warning is answered; Save asks the native confirmation before anything is deleted.
  const confirmDataLoss = () => staged && setStaged({ ...staged, confirmed: true });

  /** A setup step: its message goes to the status, its failure to the alert and its field. */
  const setupStep = useMutation({
    mutationFn: (work: () => Promise<string | null>) => work(),
    onMutate: () => {
      setError(null);
      setNotice(null);
    },
    onSuccess: (message) => message && setNotice(message),
    onError: (e) => setError(e as BackendError),
  });
  // Settles once the step is reported; its failure is shown, not thrown on.
  const runSetup = (work: () => Promise<string | null>) =>
    setupStep.mutateAsync(work).then(
      () => undefined,
      () => undefined,
    );

  function userChanged(updated: UserDetail) {
    setUser(updated);
    client.setQueryData(keys.user(userId), updated);
    setChoice(currentChoice(updated));
    onChanged(updated);
  }

  function keepLicense() {
    setStaged(null);
    setCancelOld(false);
    setError(null);
    if (user) setChoice(currentChoice(user));
  }

  function save() {
    if (!user) return;
    if (unsaved.length === 0) {
      onClose();
      return;
    }
    const edits = userEdits(user, change, drafts, setup, {
      profile: profileTyped ? profile : null,
      alsoRequestCancellation: cancelOld,
    });
    saveEdits.mutate({ edits, change });
  }

  /** After "changed since": the user as stored now, with everything typed kept on screen. */
  function reload() {
    setError(null);
    client
      .fetchQuery({ queryKey: keys.user(userId), queryFn: () => backend.getUser(userId) })
      .then((u) => {
        setUser(u);
        setNotice(`Reloaded ${name} as saved now; your edits are still here. Press Save to apply them.`);
      })
      .catch((e: BackendError) => setError(e));
  }

  const saveDisabled = saving || busy || !user || warning !== null || unresolved || nothingToSave;
  const close = () => void leave(onClose);

  function move(to: (() => void) | undefined, which: string) {
    if (!to) {
      setNotice(`${name} is the ${which} user in the list.`);
    } else {
      void leave(to);
    }
  }

  // Esc (the dialog's cancel) is Cancel: it asks before dropping unsaved edits.
  function onKeyDown(e: KeyboardEvent) {
    // A form opened from the editor (Purchase licenses) handles its own keys.
    if (purchasing) return;
    const shortcut = shortcutOf(e);
    if (shortcut === "save") {
      e.preventDefault();
      e.stopPropagation();
      if (!saveDisabled) save();
    } else if (shortcut === "nextUser" || shortcut === "previousUser") {
      e.preventDefault();
      e.stopPropagation();
      if (shortcut === "nextUser") move(onNext, "last");
      else move(onPrevious, "first");
    }
  }

  const licenseError = error?.field === FIELDS.license ? error.reason : null;
  const describedBy = [lock && `${ids}-lock`, licenseError && `${ids}-license-error`, `${ids}-license-help`]
    .filter(Boolean)
    .join(" ");

  return (
    <SwitchAccount.Provider value={switchAccount}>
    <Dialog labelledBy={`${ids}-title`} className="dialog" onCancel={close} onKeyDown={onKeyDown}>
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
        {!user && !error && !loadError && <p className="muted">Loading…</p>}
        {user && tab === "Profile" && profile && (
          <>
            <ProfileForm
              user={user}
              session={session}
              sites={sites}
              draft={profile}
              onEdit={setProfile}
              error={error}
              onReactivated={userChanged}
            />
            <Offboarding user={user} session={session} onDone={onSaved} />
          </>
        )}
        {user && tab === "History" && <UserHistory userId={user.id} session={session} onChanged={userChanged} />}
        {user && tab === "Services and Permissions" && (
          <div className="services">
            <label className="field" htmlFor={`${ids}-license`}>
              <span>License</span>
            </label>
            <div className="license-row">
            <select
              ref={licenseRef}
              id={`${ids}-license`}
              value={String(choice)}
              disabled={lock !== null || saving || busy}
              aria-describedby={describedBy}
              aria-invalid={licenseError ? true : undefined}
              onChange={(e) => {
                licenseHadFocus.current = document.activeElement === e.target;
                setError(null);
                const value: LicenseChoice = e.target.value === "none" ? "none" : Number(e.target.value);
                if (user.license && value === currentChoice(user)) keepLicense();
                else if (user.license && value === "none") void startRemoval();
                else if (user.license && value !== "none") void startChange(value);
                else setChoice(value);
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
                disabled={removeLock !== null || saving || busy || staged !== null}
                aria-describedby={removeLock ? `${ids}-remove-lock` : undefined}
                onClick={() => void startRemoval()}
              >
                ×
              </button>
            )}
            </div>
            {lock && <ReadOnlyReason id={`${ids}-lock`} lock={lock} />}
            {user.license && removeLock && (
              <ReadOnlyReason id={`${ids}-remove-lock`} lock={removeLock} />
            )}
            {licenseError && (
              <p id={`${ids}-license-error`} className="field-error">
                {licenseError}
              </p>
            )}
            {error?.code === "no_license_available" &&
              (purchaseLock ? (
                <ReadOnlyReason id={`${ids}-purchase-lock`} lock={purchaseLock} />
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
            {warning && (
              <RemovalWarning
                impact={warning}
                busy={busy || saving}
                onExport={() => void exportData()}
                onContinue={confirmDataLoss}
                onKeep={keepLicense}
              >
                <ProgressView title="Exporting user data" label="Export progress" unit="files" work={exporting} />
              </RemovalWarning>
            )}
            {change.kind === "change" && change.preview.kind === "same_family" && (
              <div className="pending">
                <strong>Pending change:</strong> {change.preview.from_product} to {change.preview.to_product}, same
                license type. Number, extension, voicemail, forwarding, devices and history stay.
                <ul className="feature-diff">
                  <li>Gains: {describeFeatures(change.preview.gains)}</li>
                  <li>Loses: {describeFeatures(change.preview.loses)}{change.preview.loses.length > 0 && " (switched off; their data is kept)"}</li>
                </ul>
                Nothing is saved until you press Save.{" "}
                <button type="button" className="link" onClick={keepLicense}>
                  Undo
                </button>
              </div>
            )}
            {change.kind === "change" && change.preview.kind === "other_family" && (
              <div className="pending pending-remove">
                <strong>Pending change:</strong> {change.preview.from_product} to {change.preview.to_product}, another
                license type. Save removes the {change.preview.from_product} license and the data listed before, then
                assigns {change.preview.to_product}; all of it or nothing.{" "}
                <button type="button" className="link" onClick={keepLicense}>
                  Undo
                </button>
                {purchaseLock ? (
                  <ReadOnlyReason id={`${ids}-cancel-lock`} lock={purchaseLock} />
                ) : (
                  <label className="check">
                    <input type="checkbox" checked={cancelOld} onChange={(e) => setCancelOld(e.target.checked)} />
                    Also request cancellation of the old license
                  </label>
                )}
              </div>
            )}
            {change.kind === "remove" && (
              <div className="pending pending-remove">
                <strong>Pending change:</strong> remove {change.productName}. Press Save to delete the data listed
                before; the license goes back to the pool and stays billed until you cancel it.{" "}
                <button type="button" className="link" onClick={keepLicense}>
                  Undo
                </button>
                {setupTyped.length > 0 && setup && (
                  <p className="field-error">
                    Also typed: {setupTyped.join(", ")}. The removal deletes these sections, so those edits cannot be
                    saved with it.{" "}
                    <button type="button" className="link" onClick={() => setDrafts(savedDrafts(setup))}>
                      Drop those edits
                    </button>
                  </p>
                )}
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
            {/* Within a change the sections stay editable: Save applies them to the new license. */}
            {user.license && change.kind !== "remove" && change.kind !== "assign" && !warning && setup && drafts && (
              <UserSetupPanel
                user={user}
                session={session}
                error={error}
                run={runSetup}
                setup={setup}
                saveSection={saveSection}
                onSaved={(saved) => sectionSaved(saved)}
                drafts={drafts}
                edit={edit}
              />
            )}
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
          }}
        />
      )}
      <footer className="dialog-foot">
        <div role="status" className={notice ? "message message-success" : "message-empty"}>
          {notice ?? ""}
        </div>
        <div role="alert" className={error || loadError ? "message message-failure" : "message-empty"}>
          {(error ?? loadError)?.message ?? ""}
          {error?.code === "stale_version" && (
            <button type="button" className="link" onClick={reload}>
              Reload {name}
            </button>
          )}
        </div>
        <div className="buttons">
          <button type="button" onClick={close}>
            Cancel
          </button>
          {/* A data-loss warning is answered with Continue or Keep license, not with Save. */}
          <button type="button" className="primary" onClick={save} disabled={saveDisabled}>
            {saving ? "Saving…" : "Save"}
          </button>
        </div>
      </footer>
    </Dialog>
    </SwitchAccount.Provider>
  );
}

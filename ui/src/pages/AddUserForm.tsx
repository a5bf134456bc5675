import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { Field } from "../ui/Field";
import { backend, BackendError, type Site, type UserDetail } from "../backend";

type Props = {
  onClose: () => void;
  onAdded: (user: UserDetail) => void;
};

const FIELDS = [
  ["first_name", "First name", "given-name"],
  ["last_name", "Last name", "family-name"],
  ["email", "Email", "email"],
  ["department", "Department", "organization-title"],
] as const;

type Values = Record<(typeof FIELDS)[number][0], string>;

/** "Add user": who the new user is; the license comes next, in the editor. */
export function AddUserForm({ onClose, onAdded }: Props) {
  const id = useId();
  const [values, setValues] = useState<Values>({ first_name: "", last_name: "", email: "", department: "" });
  const [sites, setSites] = useState<Site[]>([]);
  const [siteId, setSiteId] = useState("");
  const [error, setError] = useState<BackendError | null>(null);
  const [saving, setSaving] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstRef.current?.focus();
    backend
      .sites()
      .then((s) => {
        setSites(s);
        if (s.length === 1 && s[0]) setSiteId(String(s[0].id));
      })
      .catch((e: BackendError) => setError(e));
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onAdded(await backend.addUser({ ...values, site_id: siteId ? Number(siteId) : null }));
    } catch (err) {
      setError(err as BackendError);
    } finally {
      setSaving(false);
    }
  }

  const errorOf = (field: string) => (error?.field === field ? error.reason : null);

  return (
    <Dialog labelledBy={`${id}-title`} className="dialog dialog-narrow" onCancel={onClose} onSubmit={submit}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>Add user</h2>
        <p className="muted">A license, number and voicemail come next, in the user's editor.</p>
      </header>
      <div className="dialog-body form-grid">
        {FIELDS.map(([key, label, autoComplete]) => (
          <Field key={key} id={`${id}-${key}`} label={label} error={errorOf(label)} layout="row">
            {(control) => (
              <input
                {...control}
                ref={key === "first_name" ? firstRef : undefined}
                type={key === "email" ? "email" : "text"}
                autoComplete={autoComplete}
                value={values[key]}
                onChange={(e) => setValues({ ...values, [key]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <Field id={`${id}-site`} label="Site" error={errorOf("Site")} layout="row">
          {(control) => (
            <select {...control} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
              <option value="">Choose a site</option>
              {sites.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <DialogFooter error={error?.message ?? null}>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Creating…" : "Create user"}
        </button>
      </DialogFooter>
    </Dialog>
  );
}

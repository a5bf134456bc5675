import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
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

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.stopPropagation();
      onClose();
    }
  }

  const invalid = (field: string) => error?.field === field;
  const errorOf = (field: string, key: string) =>
    invalid(field) ? (
      <p id={`${id}-${key}-error`} className="field-error">
        {error?.reason}
      </p>
    ) : null;

  return (
    <div className="backdrop">
      <div className="dialog dialog-narrow" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} onKeyDown={onKeyDown}>
        <form onSubmit={submit} noValidate>
          <header className="dialog-head">
            <h2 id={`${id}-title`}>Add user</h2>
            <p className="muted">A license, number and voicemail come next, in the user's editor.</p>
          </header>
          <div className="dialog-body form-grid">
            {FIELDS.map(([key, label, autoComplete]) => (
              <div key={key} className="span-2 form-row">
                <label htmlFor={`${id}-${key}`}>{label}</label>
                <input
                  id={`${id}-${key}`}
                  ref={key === "first_name" ? firstRef : undefined}
                  type={key === "email" ? "email" : "text"}
                  autoComplete={autoComplete}
                  value={values[key]}
                  aria-invalid={invalid(label) || undefined}
                  aria-describedby={invalid(label) ? `${id}-${key}-error` : undefined}
                  onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                />
                {errorOf(label, key)}
              </div>
            ))}
            <div className="span-2 form-row">
              <label htmlFor={`${id}-site`}>Site</label>
              <select
                id={`${id}-site`}
                value={siteId}
                aria-invalid={invalid("Site") || undefined}
                aria-describedby={invalid("Site") ? `${id}-site-error` : undefined}
                onChange={(e) => setSiteId(e.target.value)}
              >
                <option value="">Choose a site</option>
                {sites.map((s) => (
                  <option key={s.id} value={String(s.id)}>
                    {s.name}
                  </option>
                ))}
              </select>
              {errorOf("Site", "site")}
            </div>
          </div>
          <footer className="dialog-foot">
            <div role="alert" className={error ? "message message-failure" : "message-empty"}>
              {error?.message ?? ""}
            </div>
            <div className="buttons">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={saving}>
                {saving ? "Creating…" : "Create user"}
              </button>
            </div>
          </footer>
        </form>
      </div>
    </div>
  );
}

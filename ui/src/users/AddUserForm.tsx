import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { Field } from "../ui/Field";
import { useMutation } from "@tanstack/react-query";
import { backend, BackendError, type UserDetail } from "../backend";
import { useInvalidate, useSites } from "../backend/queries";
import { FIELDS, fieldLabel, fieldReason, type FieldKey } from "../backend/fields";

type Props = {
  onClose: () => void;
  onAdded: (user: UserDetail) => void;
};

const INPUTS = [
  ["first_name", FIELDS.firstName, "given-name"],
  ["last_name", FIELDS.lastName, "family-name"],
  ["email", FIELDS.email, "email"],
  ["department", FIELDS.department, "organization-title"],
] as const;

type Values = Record<(typeof INPUTS)[number][0], string>;

/** "Add user": who the new user is; the license comes next, in the editor. */
export function AddUserForm({ onClose, onAdded }: Props) {
  const id = useId();
  const [values, setValues] = useState<Values>({ first_name: "", last_name: "", email: "", department: "" });
  const sitesQuery = useSites();
  const sites = sitesQuery.data ?? [];
  // Nothing chosen yet: the only site, when there is one.
  const [chosenSite, setSiteId] = useState<string | null>(null);
  const onlySite = sites.length === 1 && sites[0] ? String(sites[0].id) : "";
  const siteId = chosenSite ?? onlySite;
  const invalidate = useInvalidate();
  const add = useMutation({
    mutationFn: backend.addUser,
    onSuccess: (user) => {
      void invalidate.users();
      onAdded(user);
    },
  });
  const saving = add.isPending;
  const error = (add.error ?? sitesQuery.error) as BackendError | null;
  const firstRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstRef.current?.focus();
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate({ ...values, site_id: siteId ? Number(siteId) : null });
  }

  const errorOf = (field: FieldKey) => fieldReason(error, field);

  return (
    <Dialog labelledBy={`${id}-title`} className="dialog dialog-narrow" onCancel={onClose} onSubmit={submit}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>Add user</h2>
        <p className="muted">A license, number and voicemail come next, in the user's editor.</p>
      </header>
      <div className="dialog-body form-grid">
        {INPUTS.map(([key, field, autoComplete]) => (
          <Field key={key} id={`${id}-${key}`} label={fieldLabel(field)} error={errorOf(field)} layout="row">
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
        <Field id={`${id}-site`} label="Site" error={errorOf(FIELDS.site)} layout="row">
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

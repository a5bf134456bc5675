import { PERMISSION } from "../backend";
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { keys, useFailure, useInvalidate } from "../backend/queries";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { Field } from "../ui/Field";
import { backend, BackendError, type AccountRow, type SessionInfo } from "../backend";
import { missingPermission, LockedPage } from "../ui/ReadOnlyReason";
import { useNotify } from "../ui/Messages";
import { FIELDS, fieldReason, type FieldKey } from "../backend/fields";

type Editing = { kind: "new" } | { kind: "edit"; account: AccountRow };

export function AccountsPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const locked = missingPermission(session, PERMISSION.AdminsManage);
  const [editing, setEditing] = useState<Editing | null>(null);
  const accountsQuery = useQuery({ queryKey: keys.accounts, queryFn: backend.accounts, enabled: !locked });
  const rolesQuery = useQuery({ queryKey: keys.roles, queryFn: backend.roles, enabled: !locked });
  useFailure(accountsQuery.error ?? rolesQuery.error, notify.failure);
  // Shown once both are read, as one page.
  const accounts = accountsQuery.data && rolesQuery.data ? accountsQuery.data : null;
  const roles = rolesQuery.data ?? [];

  if (locked) return <LockedPage title="Admin accounts" headingId="accounts-heading" reasonId="accounts-locked" missing={locked} />;

  return (
    <section aria-labelledby="accounts-heading">
      <div className="page-head">
        <h1 id="accounts-heading">Admin accounts</h1>
        <p className="muted">Who may sign in to LicenseDesk, and with which role</p>
        <div className="page-actions">
          <button type="button" className="primary" onClick={() => setEditing({ kind: "new" })}>
            Add account
          </button>
        </div>
      </div>
      {accounts && (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Account</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.display_name}</th>
                <td className="mono">{a.login}</td>
                <td>{a.role}</td>
                <td>
                  <span className={a.active ? "badge badge-active" : "badge badge-suspended"}>
                    {a.active ? "Active" : "Disabled"}
                  </span>
                </td>
                <td className="actions">
                  <button type="button" aria-label={`Edit ${a.login}`} onClick={() => setEditing({ kind: "edit", account: a })}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <AccountForm
          editing={editing}
          roles={roles}
          onClose={() => setEditing(null)}
          onSaved={(message) => {
            setEditing(null);
            notify.success(message);
          }}
        />
      )}
    </section>
  );
}

type FormProps = { editing: Editing; roles: string[]; onClose: () => void; onSaved: (message: string) => void };

function AccountForm({ editing, roles, onClose, onSaved }: FormProps) {
  const ids = useId();
  const existing = editing.kind === "edit" ? editing.account : null;
  const [login, setLogin] = useState(existing?.login ?? "");
  const [name, setName] = useState(existing?.display_name ?? "");
  const [role, setRole] = useState(existing?.role ?? roles[roles.length - 1] ?? "");
  const [active, setActive] = useState(existing?.active ?? true);
  const [password, setPassword] = useState("");
  const invalidate = useInvalidate();
  const saveAccount = useMutation({
    mutationFn: async (): Promise<string> => {
      if (!existing) {
        const row = await backend.createAccount({ login, display_name: name, role, password });
        return `Account ${row.login} created with the role ${row.role}.`;
      }
      if (password) await backend.resetPassword(existing.id, password);
      const row = await backend.updateAccount({ account_id: existing.id, role, active });
      return `Account ${row.login} saved: ${row.role}, ${row.active ? "active" : "disabled"}${password ? ", new password set" : ""}.`;
    },
    onSettled: () => invalidate.accounts(),
    onSuccess: onSaved,
  });
  const error = saveAccount.error as BackendError | null;

  function submit(e: FormEvent) {
    e.preventDefault();
    saveAccount.mutate();
  }

  const errorOf = (field: FieldKey) => fieldReason(error, field);

  return (
    <Dialog labelledBy={`${ids}-title`} className="dialog dialog-small" onCancel={onClose} onSubmit={submit}>
      <header className="dialog-head">
        <h2 id={`${ids}-title`}>{existing ? `Edit ${existing.login}` : "Add account"}</h2>
      </header>
      <div className="dialog-body form-grid">
        <Field id={`${ids}-login`} label="Account" error={errorOf(FIELDS.account)}>
          {(control) => (
            <input
              {...control}
              value={login}
              disabled={existing !== null}
              autoFocus={!existing}
              onChange={(e) => setLogin(e.target.value)}
            />
          )}
        </Field>
        <Field id={`${ids}-name`} label="Name" error={errorOf(FIELDS.name)}>
          {(control) => (
            <input {...control} value={name} disabled={existing !== null} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Field id={`${ids}-role`} label="Role" error={errorOf(FIELDS.role)}>
          {(control) => (
            <select {...control} value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        {existing && (
          <>
            <span />
            <label className="check">
              <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
              Active (may sign in)
            </label>
          </>
        )}
        <Field id={`${ids}-password`} label={existing ? "New password" : "Password"} error={errorOf(FIELDS.password)}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={password}
              placeholder={existing ? "Leave empty to keep the current one" : "At least 10 characters"}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
      </div>
      <DialogFooter error={error?.message ?? null}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saveAccount.isPending}>
            Save
          </button>
      </DialogFooter>
    </Dialog>
  );
}

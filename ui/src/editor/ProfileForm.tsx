import { PERMISSION } from "../backend";
import { useId, useState } from "react";
import type { BackendError, SessionInfo, Site, UserDetail } from "../backend";
import { missingPermission, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { describedBy, FieldError } from "./setup/common";
import type { ProfileDraft } from "./drafts";
import { FIELDS, fieldLabel } from "../backend/fields";
import { backend } from "../backend";
import { useInvalidate } from "../backend/queries";
import { RestoreDialog } from "./RestoreDialog";

const INPUTS = [
  ["first_name", FIELDS.firstName, "given-name"],
  ["last_name", FIELDS.lastName, "family-name"],
  ["email", FIELDS.email, "email"],
  ["department", FIELDS.department, "organization-title"],
] as const;

type Props = {
  user: UserDetail;
  session: SessionInfo;
  sites: Site[];
  draft: ProfileDraft;
  onEdit: (draft: ProfileDraft) => void;
  error: BackendError | null;
  /** "Reactivate" went through: the user as stored now, and the status message. */
  onReactivated?: (user: UserDetail, message: string) => void;
};

/** The Profile tab's fields: saved with everything else by the editor's Save. */
export function ProfileForm({ user, session, sites, draft, onEdit, error, onReactivated }: Props) {
  const id = useId();
  const lock = missingPermission(session, PERMISSION.UsersEdit);
  const disabled = lock !== null;
  const [reactivating, setReactivating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = useInvalidate();
  const name = `${user.first_name} ${user.last_name}`;

  async function reactivated(message: string) {
    setReactivating(false);
    setNotice(message);
    await invalidate.users();
    onReactivated?.(await backend.getUser(user.id), message);
  }
  return (
    <section className="setup-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Profile</h3>
      {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
      <div className="form-grid">
        {INPUTS.map(([key, field, autoComplete]) => (
          <div key={key} className="span-2 form-row">
            <label htmlFor={`${id}-${key}`}>{fieldLabel(field)}</label>
            <input
              id={`${id}-${key}`}
              autoComplete={autoComplete}
              value={draft[key]}
              disabled={disabled}
              aria-invalid={error?.field === field || undefined}
              aria-describedby={describedBy(error?.field === field && `${id}-${key}-error`, lock && `${id}-lock`)}
              onChange={(e) => onEdit({ ...draft, [key]: e.target.value })}
            />
            <FieldError id={`${id}-${key}-error`} error={error} field={field} />
          </div>
        ))}
        <div className="span-2 form-row">
          <label htmlFor={`${id}-site`}>Site</label>
          <select
            id={`${id}-site`}
            value={draft.site_id ?? ""}
            disabled={disabled}
            aria-invalid={error?.field === FIELDS.site || undefined}
            aria-describedby={describedBy(error?.field === FIELDS.site && `${id}-site-error`, `${id}-site-help`)}
            onChange={(e) => onEdit({ ...draft, site_id: e.target.value ? Number(e.target.value) : null })}
          >
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-site-error`} error={error} field={FIELDS.site} />
          <p id={`${id}-site-help`} className="help">
            A phone number comes from its site's pool: moving {user.first_name} to another site needs a number of that
            site (or none), chosen under Number and extension in the same Save.
          </p>
        </div>
      </div>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          {user.status === "active" ? "Active" : "Suspended"}
          {user.status === "suspended" && (
            <button
              type="button"
              className="inline-action"
              disabled={disabled}
              aria-describedby={lock ? `${id}-lock` : undefined}
              onClick={() => {
                setNotice(null);
                setReactivating(true);
              }}
            >
              Reactivate
            </button>
          )}
        </dd>
        <dt>Last changed</dt>
        <dd>
          {new Date(user.updated_at).toLocaleString()}
          {user.updated_by ? ` by ${user.updated_by}` : ""}
        </dd>
      </dl>
      <div role="status" className={notice ? "message message-success" : "message-empty"}>
        {notice ?? ""}
      </div>
      {reactivating && (
        <RestoreDialog
          target={{ kind: "reactivate", userId: user.id, userName: name, version: user.version }}
          session={session}
          onClose={() => setReactivating(false)}
          onDone={(m) => void reactivated(m)}
        />
      )}
    </section>
  );
}

/** The profile fields core names in its errors: such an error is shown on the Profile tab. */
export const PROFILE_FIELDS: string[] = [...INPUTS.map(([, field]) => field), FIELDS.site];

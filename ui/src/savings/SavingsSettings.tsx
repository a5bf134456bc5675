import { useId, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { backend, PERMISSION, type BackendError, type SessionInfo } from "../backend";
import { FIELDS, isFieldError } from "../backend/fields";
import { keys, useFailure, useInvalidate } from "../backend/queries";
import { Field } from "../ui/Field";
import { useNotify } from "../ui/Messages";
import { missingPermission, ReadOnlyReason } from "../ui/ReadOnlyReason";

/** The Settings page's "Savings" section: how many days without calls make a user idle. */
export function SavingsSettings({ session }: { session: SessionInfo }) {
  const id = useId();
  const notify = useNotify();
  const invalidate = useInvalidate();
  const locked = missingPermission(session, PERMISSION.SettingsManage);
  const current = useQuery({ queryKey: keys.savingsIdleDays, queryFn: backend.savingsIdleDays });
  useFailure(current.error, notify.failure);
  const [typed, setTyped] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (days: string) => backend.setSavingsIdleDays(days),
    onSuccess: (days) => {
      setTyped(null);
      notify.success(`Users with no calls in ${days} days are now listed as idle on the Savings page.`);
      void invalidate.savingsIdleDays();
    },
    onError: (e: BackendError) => notify.failure(e.message),
  });
  const value = typed ?? (current.data !== undefined ? String(current.data) : "");
  const error = isFieldError(save.error as BackendError | null, FIELDS.idleDays) ? (save.error as BackendError).reason : null;

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Savings</h2>
      <p className="muted">The Savings page lists users with no calls in this many days as idle.</p>
      <form
        className="form-grid settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(value);
        }}
      >
        <Field id={`${id}-idle`} label="Days without calls" error={error} describedBy={locked ? `${id}-locked` : undefined}>
          {(control) => (
            <input
              {...control}
              type="text"
              inputMode="numeric"
              className="narrow"
              value={value}
              readOnly={locked !== null}
              onChange={(e) => {
                save.reset();
                setTyped(e.target.value);
              }}
            />
          )}
        </Field>
        <div className="span-2 buttons-left">
          <button type="submit" disabled={locked !== null || save.isPending || current.data === undefined}>
            Save days without calls
          </button>
        </div>
      </form>
      {locked && <ReadOnlyReason id={`${id}-locked`} lock={locked} />}
    </section>
  );
}

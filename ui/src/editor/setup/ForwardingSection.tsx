import { PERMISSION } from "../../backend";
import { useId } from "react";
import type { ForwardCondition } from "../../backend";
import { missingPermission, ReadOnlyReason } from "../../ui/ReadOnlyReason";
import { describedBy, FieldError, type SectionProps } from "./common";
import { FIELDS } from "../../backend/fields";

const CONDITIONS: [ForwardCondition, string][] = [
  ["always", "Always"],
  ["busy", "When busy"],
  ["no_answer", "On no answer"],
  ["unreachable", "When unreachable"],
];
const LABEL = Object.fromEntries(CONDITIONS) as Record<ForwardCondition, string>;

/** Forwarding rules, one per condition; a rule that would loop is refused by core. */
export function ForwardingSection({ setup, user, session, error, run, saveSection, drafts, edit }: SectionProps) {
  const id = useId();
  const lock = missingPermission(session, PERMISSION.SettingsManage);
  const { condition, destination, rings } = drafts.forwarding;
  const setCondition = (value: ForwardCondition) => edit("forwarding", { ...drafts.forwarding, condition: value });
  const setDestination = (value: string) => edit("forwarding", { ...drafts.forwarding, destination: value });
  const setRings = (value: string) => edit("forwarding", { ...drafts.forwarding, rings: value });
  const included = setup.features.includes("call_forwarding");
  const disabled = lock !== null || !included;

  const add = () =>
    run(async () => {
      await saveSection(
        {
          forwarding: {
            user_id: user.id,
            condition,
            destination,
            rings: condition === "no_answer" ? Number(rings) : null,
          },
        },
        "forwarding",
      );
      return `Forwarding rule "${LABEL[condition]}" saved.`;
    });
  const remove = (c: ForwardCondition) =>
    run(async () => {
      await saveSection({ forwarding_deleted: c });
      return `Forwarding rule "${LABEL[c]}" deleted.`;
    });

  return (
    <section className="setup-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Call forwarding</h3>
      {!included && <p className="help">The license does not include call forwarding.</p>}
      {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
      {setup.forwarding.length === 0 ? (
        <p className="muted">No forwarding rules: calls ring this user only.</p>
      ) : (
        <ul className="rules">
          {setup.forwarding.map((r) => (
            <li key={r.condition}>
              <span>
                <strong>{LABEL[r.condition]}</strong>
                {r.condition === "no_answer" && ` (after ${r.rings} rings)`} to{" "}
                <span className="mono">{r.destination}</span>
                {r.destination_user && ` (${r.destination_user})`}
                {!r.enabled && " (off)"}
              </span>
              <button type="button" className="link" disabled={disabled} onClick={() => void remove(r.condition)}>
                Delete rule: {LABEL[r.condition]}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        <label htmlFor={`${id}-when`}>Forward when</label>
        <select
          id={`${id}-when`}
          value={condition}
          disabled={disabled}
          onChange={(e) => setCondition(e.target.value as ForwardCondition)}
        >
          {CONDITIONS.map(([c, label]) => (
            <option key={c} value={c}>
              {label}
            </option>
          ))}
        </select>
        {condition === "no_answer" && (
          <>
            <label htmlFor={`${id}-rings`}>Rings</label>
            <input
              id={`${id}-rings`}
              type="number"
              className="narrow"
              min={1}
              max={10}
              value={rings}
              disabled={disabled}
              aria-invalid={error?.field === FIELDS.rings || undefined}
              aria-describedby={describedBy(error?.field === FIELDS.rings && `${id}-rings-error`)}
              onChange={(e) => setRings(e.target.value)}
            />
            <FieldError id={`${id}-rings-error`} error={error} field={FIELDS.rings} />
          </>
        )}
        <label htmlFor={`${id}-to`}>Forward to</label>
        <input
          id={`${id}-to`}
          className="mono"
          value={destination}
          disabled={disabled}
          placeholder="Extension or +15125550100"
          aria-invalid={error?.field === FIELDS.forwardTo || undefined}
          aria-describedby={describedBy(error?.field === FIELDS.forwardTo && `${id}-to-error`)}
          onChange={(e) => setDestination(e.target.value)}
        />
        <FieldError id={`${id}-to-error`} error={error} field={FIELDS.forwardTo} />
      </div>
      <div className="section-actions">
        <button type="button" disabled={disabled} onClick={() => void add()}>
          Add forwarding rule
        </button>
      </div>
    </section>
  );
}

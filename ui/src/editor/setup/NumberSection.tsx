import { PERMISSION } from "../../backend";
import { useId } from "react";
import { backend } from "../../backend";
import { missingPermission, ReadOnlyReason } from "../../ui/ReadOnlyReason";
import { describedBy, FieldError, type SectionProps } from "./common";
import { FIELDS } from "../../backend/fields";

/** Extension (typed or suggested) and a phone number from the site's pool. */
export function NumberSection({ setup, user, session, error, run, saveSection, drafts, edit }: SectionProps) {
  const id = useId();
  const lock = missingPermission(session, PERMISSION.NumbersManage);
  const { extension, phone_number: number } = drafts.numbers;
  const setExtension = (value: string) => edit("numbers", { ...drafts.numbers, extension: value });
  const setNumber = (value: string) => edit("numbers", { ...drafts.numbers, phone_number: value });
  const calling = setup.features.includes("calling");
  const options = [...(setup.phone_number ? [setup.phone_number] : []), ...setup.available_numbers];
  const disabled = lock !== null || !calling;

  const suggest = () =>
    run(async () => {
      setExtension(await backend.suggestExtension(user.id));
      return null;
    });
  const save = () =>
    run(async () => {
      const saved = await saveSection(
        {
          numbers: {
            user_id: user.id,
            expected_version: user.version,
            extension: extension.trim() || null,
            phone_number: number || null,
          },
        },
        "numbers",
      );
      return `Number and extension of ${saved.user.first_name} ${saved.user.last_name} saved.`;
    });

  return (
    <section className="setup-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Number and extension</h3>
      {!calling && <p className="help">The license does not include calling, so no number or extension.</p>}
      {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
      <div className="form-grid">
        <label htmlFor={`${id}-ext`}>Extension</label>
        <div className="inline-controls">
          <input
            id={`${id}-ext`}
            className="mono narrow"
            inputMode="numeric"
            value={extension}
            disabled={disabled}
            aria-invalid={error?.field === FIELDS.extension || undefined}
            aria-describedby={describedBy(error?.field === FIELDS.extension && `${id}-ext-error`, lock && `${id}-lock`, `${id}-ext-help`)}
            onChange={(e) => setExtension(e.target.value)}
          />
          <button type="button" disabled={disabled} onClick={() => void suggest()}>
            Suggest
          </button>
        </div>
        <FieldError id={`${id}-ext-error`} error={error} field={FIELDS.extension} />
        <p id={`${id}-ext-help`} className="help span-2">
          3 to 6 digits; leading zeros are kept. Never an emergency number (911, 999, 112).
        </p>
        <label htmlFor={`${id}-number`}>Phone number</label>
        <select
          id={`${id}-number`}
          value={number}
          disabled={disabled}
          aria-invalid={error?.field === FIELDS.phoneNumber || undefined}
          aria-describedby={describedBy(error?.field === FIELDS.phoneNumber && `${id}-number-error`)}
          onChange={(e) => setNumber(e.target.value)}
        >
          <option value="">No number</option>
          {options.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-number-error`} error={error} field={FIELDS.phoneNumber} />
        <p className="help span-2">
          {setup.available_numbers.length} free number{setup.available_numbers.length === 1 ? "" : "s"} at{" "}
          {setup.site}.
        </p>
      </div>
      <div className="section-actions">
        <button type="button" disabled={disabled} onClick={() => void save()}>
          Save number and extension
        </button>
      </div>
    </section>
  );
}

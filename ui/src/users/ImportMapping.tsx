import { useId, useState } from "react";
import { IMPORT_FIELD_LABELS, type FileColumn, type ImportField, type ImportPreview } from "../backend";

/** The LicenseDesk fields a file can fill, in the order the mapping step shows them. */
const IMPORT_FIELDS = Object.entries(IMPORT_FIELD_LABELS) as [ImportField, string][];

/** The file's columns with `field` moved to column `index` (or to none). */
function remap(columns: FileColumn[], field: ImportField, index: number | null): (ImportField | null)[] {
  return columns.map((c, i) => (i === index ? field : c.field === field ? null : c.field));
}

/** "User principal name → Email, Office → Site; 14 columns not used". */
function mappingSummary(columns: FileColumn[]): string {
  const used = columns.filter((c) => c.field !== null).map((c) => `${c.header} → ${IMPORT_FIELD_LABELS[c.field as ImportField]}`);
  const unused = columns.length - used.length;
  return `${used.join(", ")}${unused > 0 ? `; ${unused} ${unused === 1 ? "column" : "columns"} not used` : ""}`;
}

function sourceSentence(preview: ImportPreview): string {
  if (preview.layout) return `Recognized as a ${preview.layout}:`;
  switch (preview.mapping_source) {
    case "remembered":
      return "Mapped as you did last time for a file with these columns:";
    case "chosen":
      return "Mapped as you chose:";
    default:
      return "Columns guessed from their names; check them before you import:";
  }
}

/** How the file's columns fill LicenseDesk's fields, and the step to change it. */
export function ImportMapping({
  preview,
  disabled,
  onChange,
}: {
  preview: ImportPreview;
  disabled: boolean;
  onChange: (columns: (ImportField | null)[]) => void;
}) {
  const id = useId();
  // A file of a known layout needs no questions; any other opens the step at once.
  const [open, setOpen] = useState(preview.layout === null && preview.mapping_source === "guessed");
  const columns = preview.columns;
  const unused = columns.filter((c) => c.field === null).map((c) => c.header);
  return (
    <section aria-labelledby={`${id}-title`} className="import-mapping">
      <h3 id={`${id}-title`} className="section-title">
        Columns
      </h3>
      <p>
        {sourceSentence(preview)} {mappingSummary(columns)}.
      </p>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide column mapping" : "Change column mapping"}
      </button>
      {open && (
        <div role="group" aria-label="Column mapping" className="mapping-grid">
          {IMPORT_FIELDS.map(([field, label]) => {
            const index = columns.findIndex((c) => c.field === field);
            const chosen = index >= 0 ? columns[index] : null;
            const selectId = `${id}-${field}`;
            return (
              <div key={field} className="mapping-row">
                <label htmlFor={selectId}>
                  {label}
                  {(field === "email" || field === "first_name" || field === "last_name") && (
                    <span className="muted"> {field === "email" ? "(required)" : "(or Display name)"}</span>
                  )}
                </label>
                <select
                  id={selectId}
                  value={index}
                  disabled={disabled}
                  onChange={(e) => {
                    const i = Number(e.target.value);
                    onChange(remap(columns, field, i >= 0 ? i : null));
                  }}
                >
                  <option value={-1}>Not in the file</option>
                  {columns.map((c, i) => (
                    <option key={i} value={i}>
                      {c.header || `Column ${i + 1}`}
                    </option>
                  ))}
                </select>
                <span className="mapping-samples muted" title={chosen?.samples.join(", ")}>
                  {chosen ? chosen.samples.join(", ") || "(empty)" : ""}
                </span>
              </div>
            );
          })}
          {unused.length > 0 && <p className="help">Not used: {unused.join(", ")}.</p>}
        </div>
      )}
    </section>
  );
}

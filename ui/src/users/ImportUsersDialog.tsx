import { useId, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { backend, BackendError, type ImportChoices, type ImportField, type ImportLine, type ImportPreview } from "../backend";
import { useInventory } from "../backend/queries";
import { ImportMapping } from "./ImportMapping";
import { formatCents } from "../ui/format";
import { CANCELLED, ProgressView, useLongWork } from "../ui/LongWork";

type Props = {
  onClose: () => void;
  onImported: (message: string) => void;
  /** The account may create the sites a file names (a Super Admin's call). */
  canCreateSites?: boolean;
};

const NO_CHOICES: ImportChoices = { columns: null, product_for_other_licenses: null, create_sites: false };

const SHOWN = 200;

const count = (n: number) => n.toLocaleString("en-US");

function plural(n: number, one: string, many = `${one}s`) {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function Lines({ title, lines }: { title: string; lines: ImportLine[] }) {
  const id = useId();
  if (lines.length === 0) return null;
  return (
    <section aria-labelledby={id}>
      <h3 id={id} className="section-title">
        {title} ({count(lines.length)})
      </h3>
      <table className="grid compact">
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Name</th>
            <th scope="col">What happens</th>
          </tr>
        </thead>
        <tbody>
          {lines.slice(0, SHOWN).map((l) => (
            <tr key={l.row}>
              <td className="mono">{l.row}</td>
              <th scope="row">
                <div className="cell-title">{l.name}</div>
                <div className="cell-sub">{l.email}</div>
              </th>
              <td>{l.changes.join("; ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > SHOWN && <p className="muted">And {count(lines.length - SHOWN)} more.</p>}
    </section>
  );
}

/** Import users from CSV: choose, check (every row with the editor's rules), preview, apply. */
export function ImportUsersDialog({ onClose, onImported, canCreateSites = false }: Props) {
  const id = useId();
  const [file, setFile] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  // What the shown preview was checked with; apply imports with exactly these.
  const [choices, setChoices] = useState<ImportChoices>(NO_CHOICES);
  const products = useInventory(preview !== null && preview.other_licenses.length > 0).data ?? [];
  const [notice, setNotice] = useState<string | null>(null);
  // One step at a time; `label` says what it is doing while it runs.
  const step = useMutation({
    mutationFn: ({ work }: { label: string; work: () => Promise<void> }) => work(),
    onMutate: () => setNotice(null),
  });
  const busy = step.isPending ? step.variables.label : null;
  const error = step.error as BackendError | null;
  const work = useLongWork();
  // What the long work is doing: checking rows, or importing users.
  const [stage, setStage] = useState<"check" | "import">("check");

  const run = (label: string, work: () => Promise<void>) => step.mutate({ label, work });

  const choose = () =>
    run("Checking the file…", async () => {
      setStage("check");
      const chosen = await work.watch((onProgress) => backend.chooseImportFile(onProgress));
      if (chosen === CANCELLED) return setNotice("Check cancelled: choose the file again to check it.");
      if (!chosen) return;
      setFile(chosen[0]);
      setPreview(chosen[1]);
      setChoices(NO_CHOICES);
    });
  // Checks the file again, with other choices when given (the preview changes with them).
  const recheck = (next: ImportChoices = choices) =>
    run("Checking the file…", async () => {
      setStage("check");
      const checked = await work.watch((onProgress) => backend.recheckImport(next, onProgress));
      if (checked === CANCELLED) return setNotice("Check cancelled: press Check again to finish it.");
      setChoices(next);
      setPreview(checked);
    });
  const choose_columns = (columns: (ImportField | null)[]) => recheck({ ...choices, columns });
  const template = () =>
    run("Saving…", async () => {
      const path = await backend.saveImportTemplate();
      if (path) setNotice(`Template saved to ${path}.`);
    });
  const apply = () =>
    run("Importing…", async () => {
      setStage("import");
      const r = await work.watch((onProgress) => backend.applyImport(choices, onProgress));
      if (r === CANCELLED) return setNotice("Import cancelled: nothing was imported.");
      onImported(
        `Imported: ${plural(r.added, "user")} added, ${plural(r.updated, "user")} updated, ${count(r.unchanged)} unchanged.`,
      );
    });

  // Esc stops the long work while it runs; otherwise it closes, unless a step is under way.
  function onCancel() {
    if (work.shown) work.cancel();
    else if (!busy) onClose();
  }

  const shortfall = preview?.seats.filter((s) => s.needed > s.available) ?? [];
  const changes = preview ? preview.new_users.length + preview.changed_users.length : 0;

  return (
    <Dialog labelledBy={`${id}-title`} className="dialog dialog-wide" onCancel={onCancel}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>Import users</h2>
        <p className="muted">
          A LicenseDesk users file, a Microsoft 365 or Google Workspace user export, or any spreadsheet with a
          header row: you choose which column is which. Users are matched by email and updated; an import never
          removes a license, a number or data.
        </p>
      </header>
      <div className="dialog-body">
        <div className="inline-controls">
          <button type="button" className={preview ? undefined : "primary"} disabled={busy !== null} onClick={() => void choose()}>
            {preview ? "Choose another file" : "Choose CSV file"}
          </button>
          <button type="button" disabled={busy !== null} onClick={() => void template()}>
            Save CSV template
          </button>
        </div>
        <p className="help">
          In a spreadsheet, format the Extension and Phone number columns as Text before typing: spreadsheets drop
          the leading zeros of extensions (0204 becomes 204) and the + of numbers. Save as "CSV UTF-8".
        </p>
        {busy && !work.shown && <progress className="busy" aria-label={busy} />}
        <ProgressView
          title={stage === "check" ? "Checking the file" : "Importing users"}
          label="Import progress"
          unit={stage === "check" ? "rows" : "users"}
          work={work}
        />
        {file && preview && (
          <div className="import-preview">
            <p>
              <span className="mono">{file}</span>: {plural(preview.rows, "row")}, {count(preview.new_users.length)} new,{" "}
              {count(preview.changed_users.length)} changed, {count(preview.unchanged)} unchanged.
            </p>
            {preview.columns.length > 0 && <ImportMapping preview={preview} disabled={busy !== null} onChange={choose_columns} />}
            {preview.notes.length > 0 && (
              <ul className="import-notes">
                {preview.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            )}
            {preview.other_licenses.length > 0 && (
              <div className="form-row inline-field">
                <label htmlFor={`${id}-other`}>License for users of another system</label>
                <select
                  id={`${id}-other`}
                  value={choices.product_for_other_licenses ?? ""}
                  disabled={busy !== null}
                  onChange={(e) =>
                    recheck({ ...choices, product_for_other_licenses: e.target.value === "" ? null : Number(e.target.value) })
                  }
                >
                  <option value="">No license</option>
                  {products.map((p) => (
                    <option key={p.product_id} value={p.product_id}>
                      {p.name} ({p.available} free)
                    </option>
                  ))}
                </select>
              </div>
            )}
            {preview.missing_sites.length > 0 && (
              <div className="notice missing-sites">
                <span>
                  The file names {preview.missing_sites.length === 1 ? "a site" : "sites"} the organization does not have:{" "}
                  {preview.missing_sites.join(", ")}.{canCreateSites ? "" : " A Super Admin can create them, or fix the file."}
                </span>
                {canCreateSites && (
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={choices.create_sites}
                      disabled={busy !== null}
                      onChange={(e) => recheck({ ...choices, create_sites: e.target.checked })}
                    />
                    Create missing sites
                  </label>
                )}
              </div>
            )}
            {preview.issues.length > 0 && (
              <section aria-labelledby={`${id}-issues`} className="import-issues">
                <h3 id={`${id}-issues`} className="section-title">
                  {plural(preview.issues.length, "problem")} to fix in the file, then Check again
                </h3>
                <table className="grid compact">
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Column</th>
                      <th scope="col">Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.issues.slice(0, SHOWN).map((i, n) => (
                      <tr key={n}>
                        <td className="mono">{i.row || "–"}</td>
                        <td>{i.column}</td>
                        <td>{i.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            )}
            {preview.seats.length > 0 && (
              <section aria-labelledby={`${id}-seats`}>
                <h3 id={`${id}-seats`} className="section-title">
                  Licenses needed
                </h3>
                <table className="grid compact">
                  <thead>
                    <tr>
                      <th scope="col">Product</th>
                      <th scope="col">Needed</th>
                      <th scope="col">Free</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.seats.map((s) => (
                      <tr key={s.product} className={s.needed > s.available ? "short" : undefined}>
                        <th scope="row">{s.product}</th>
                        <td>{s.needed}</td>
                        <td>{s.available}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="help">
                  {shortfall.length > 0
                    ? `Too few free licenses: ${shortfall.map((s) => `${s.needed - s.available} more ${s.product}`).join(", ")} must be purchased first (${formatCents(preview.missing_seats_monthly_cents)}/month more).`
                    : "Uses licenses already paid for: the monthly bill does not change."}
                </p>
              </section>
            )}
            <Lines title="New users" lines={preview.new_users} />
            <Lines title="Changed users" lines={preview.changed_users} />
          </div>
        )}
      </div>
      <DialogFooter notice={notice} error={error?.message ?? null}>
          <button type="button" onClick={onClose} disabled={busy !== null}>
            Cancel
          </button>
          {preview && (
            <button type="button" onClick={() => void recheck()} disabled={busy !== null}>
              Check again
            </button>
          )}
          <button
            type="button"
            className="primary"
            disabled={busy !== null || !preview?.ready || changes === 0}
            onClick={() => void apply()}
          >
            {preview?.ready && changes > 0 ? `Import ${plural(changes, "user")}` : "Import"}
          </button>
      </DialogFooter>
    </Dialog>
  );
}

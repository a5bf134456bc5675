import { useEffect, useId, useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { backend, BackendError, type Feature, type LicenseFamily, type SessionInfo } from "../backend";
import { FAMILY_LABELS } from "../ui/format";
import { FIELDS, fieldLabel, productField, type FieldKey } from "../backend/fields";

const FEATURES: [Feature, string][] = [
  ["calling", "Calling"],
  ["voicemail", "Voicemail"],
  ["call_forwarding", "Call forwarding"],
  ["call_recording", "Call recording"],
  ["desktop_app", "Desktop app"],
  ["mobile_app", "Mobile app"],
  ["video_meetings", "Video meetings"],
  ["contact_center", "Contact center"],
  ["analytics", "Analytics"],
];
const CURRENCIES = ["USD", "CAD", "AUD", "EUR", "GBP", "CHF"];
// Where the sites are: an imported number written without its country code is read as one
// of this country. Core accepts any ISO 3166 code; these are the common ones.
const COUNTRIES: [string, string][] = [
  ["US", "United States"],
  ["CA", "Canada"],
  ["GB", "United Kingdom"],
  ["IE", "Ireland"],
  ["AU", "Australia"],
  ["NZ", "New Zealand"],
  ["DE", "Germany"],
  ["AT", "Austria"],
  ["CH", "Switzerland"],
  ["FR", "France"],
  ["BE", "Belgium"],
  ["NL", "Netherlands"],
  ["ES", "Spain"],
  ["PT", "Portugal"],
  ["IT", "Italy"],
];

type ProductDraft = { name: string; family: LicenseFamily; features: Feature[]; monthly_price: string; seats: string };
const NEW_PRODUCT: ProductDraft = {
  name: "",
  family: "voice",
  features: ["calling", "voicemail", "call_forwarding", "mobile_app"],
  monthly_price: "",
  seats: "",
};

/** First start on an empty file: the demo, or the admin's own organization. */
export function FirstRun({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [settingUp, setSettingUp] = useState(false);
  const demo = useMutation({
    mutationFn: backend.createDemoOrganization,
    onSuccess: (session) => onSignedIn(session),
  });
  const error = demo.error as BackendError | null;
  const busy = demo.isPending;
  // Which file: an admin may keep several organizations (File > New).
  const [path, setPath] = useState<string | null>(null);
  useEffect(() => {
    backend
      .appInfo()
      .then((info) => setPath(info.database_path))
      .catch(() => setPath(null));
  }, []);

  if (settingUp) return <SetupForm onSignedIn={onSignedIn} onBack={() => setSettingUp(false)} />;
  return (
    <main className="first-run">
      <h1>Welcome to LicenseDesk</h1>
      <p className="muted">
        {path ? <span className="mono">{path}</span> : "This organization file"} is empty. What would you like to do?
      </p>
      <div className="choices">
        <section className="choice">
          <h2>Explore the demo</h2>
          <p>Maple Street Dental: 40 users on 3 sites, 5 license products, with voicemails, recordings and bills to try things on.</p>
          <button type="button" className="primary" disabled={busy} onClick={() => demo.mutate()}>
            Explore the demo organization
          </button>
        </section>
        <section className="choice">
          <h2>Your own organization</h2>
          <p>Name, billing terms, sites, your Super Admin account and the licenses you own. Users come next, by hand or from CSV.</p>
          <button type="button" disabled={busy} onClick={() => setSettingUp(true)}>
            Set up my organization
          </button>
        </section>
      </div>
      <div role="alert" className={error ? "message message-failure" : "message-empty"}>
        {error?.message ?? ""}
      </div>
    </main>
  );
}

function SetupForm({ onSignedIn, onBack }: { onSignedIn: (s: SessionInfo) => void; onBack: () => void }) {
  const id = useId();
  const [org, setOrg] = useState({ organization_name: "", currency: "USD", billing_day: "1", notice_period_days: "30" });
  const [sites, setSites] = useState("Main office");
  const [country, setCountry] = useState("US");
  const [admin, setAdmin] = useState({ admin_name: "", admin_login: "", admin_password: "" });
  const [products, setProducts] = useState<ProductDraft[]>([{ ...NEW_PRODUCT }]);
  const key = (field: FieldKey) => `${id}-${field.replace(/\W+/g, "-")}`;
  const create = useMutation({
    mutationFn: () => backend.setupOrganization({ ...org, ...admin, sites: sites.split("\n"), country, products }),
    onSuccess: (session) => onSignedIn(session),
    // The form is longer than the window: take the person to the field the error names.
    onError: (e) => {
      const field = (e as BackendError).field;
      if (!field) return;
      requestAnimationFrame(() => {
        const input =
          document.getElementById(key(field)) ??
          document.getElementById(`${key(field)}-error`)?.closest("fieldset")?.querySelector<HTMLElement>("input, select, textarea");
        input?.focus();
        input?.scrollIntoView({ block: "center" });
      });
    },
  });
  const error = create.error as BackendError | null;
  const busy = create.isPending;

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  const invalid = (field: FieldKey) => error?.field === field || undefined;
  const described = (field: FieldKey) => (error?.field === field ? `${key(field)}-error` : undefined);
  const fieldError = (field: FieldKey) =>
    error?.field === field ? (
      <p id={`${key(field)}-error`} className="field-error">
        {error.reason}
      </p>
    ) : null;
  const text = (field: FieldKey, value: string, set: (v: string) => void, type = "text") => (
    <div className="form-row">
      <label htmlFor={key(field)}>{fieldLabel(field)}</label>
      <input
        id={key(field)}
        type={type}
        value={value}
        aria-invalid={invalid(field)}
        aria-describedby={described(field)}
        onChange={(e) => set(e.target.value)}
      />
      {fieldError(field)}
    </div>
  );
  const setProduct = (i: number, change: Partial<ProductDraft>) =>
    setProducts(products.map((p, n) => (n === i ? { ...p, ...change } : p)));

  return (
    <main className="first-run">
      <form onSubmit={submit} noValidate className="setup-form">
        <h1>Set up your organization</h1>
        <fieldset>
          <legend>Organization</legend>
          {text(FIELDS.organizationName, org.organization_name, (v) => setOrg({ ...org, organization_name: v }))}
          <div className="form-row">
            <label htmlFor={key(FIELDS.currency)}>Currency</label>
            <select id={key(FIELDS.currency)} value={org.currency} onChange={(e) => setOrg({ ...org, currency: e.target.value })}>
              {CURRENCIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </div>
          {text(FIELDS.billingDay, org.billing_day, (v) => setOrg({ ...org, billing_day: v }), "number")}
          {text(FIELDS.noticePeriod, org.notice_period_days, (v) => setOrg({ ...org, notice_period_days: v }), "number")}
          <p className="help">Billing day: 1 to 28 of each month. Notice period: days before a cancellation can take effect.</p>
          <div className="form-row">
            <label htmlFor={key(FIELDS.sites)}>Sites</label>
            <textarea
              id={key(FIELDS.sites)}
              rows={3}
              value={sites}
              aria-invalid={invalid(FIELDS.sites)}
              aria-describedby={described(FIELDS.sites) ?? `${key(FIELDS.sites)}-help`}
              onChange={(e) => setSites(e.target.value)}
            />
            <p id={`${key(FIELDS.sites)}-help`} className="help">One site per line, e.g. each office.</p>
            {fieldError(FIELDS.sites)}
          </div>
          <div className="form-row">
            <label htmlFor={key(FIELDS.country)}>{fieldLabel(FIELDS.country)}</label>
            <select
              id={key(FIELDS.country)}
              value={country}
              aria-invalid={invalid(FIELDS.country)}
              aria-describedby={described(FIELDS.country) ?? `${key(FIELDS.country)}-help`}
              onChange={(e) => setCountry(e.target.value)}
            >
              {COUNTRIES.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
            <p id={`${key(FIELDS.country)}-help`} className="help">Where the sites are: phone numbers without a country code are read as numbers of this country.</p>
            {fieldError(FIELDS.country)}
          </div>
        </fieldset>
        <fieldset>
          <legend>Your Super Admin account</legend>
          {text(FIELDS.yourName, admin.admin_name, (v) => setAdmin({ ...admin, admin_name: v }))}
          {text(FIELDS.account, admin.admin_login, (v) => setAdmin({ ...admin, admin_login: v }))}
          {text(FIELDS.password, admin.admin_password, (v) => setAdmin({ ...admin, admin_password: v }), "password")}
          <p className="help">At least 10 characters, letters mixed with digits or symbols, not the account name.</p>
        </fieldset>
        <fieldset>
          <legend>License products you own</legend>
          {fieldError(FIELDS.products)}
          {products.map((p, i) => {
            const n = `Product ${i + 1}`;
            return (
              <div key={i} className="product-draft">
                {text(productField(i + 1, "name"), p.name, (v) => setProduct(i, { name: v }))}
                <div className="form-row">
                  <label htmlFor={key(productField(i + 1, "licenseType"))}>{fieldLabel(productField(i + 1, "licenseType"))}</label>
                  <select
                    id={key(productField(i + 1, "licenseType"))}
                    value={p.family}
                    onChange={(e) => setProduct(i, { family: e.target.value as LicenseFamily })}
                  >
                    {Object.entries(FAMILY_LABELS).map(([f, label]) => (
                      <option key={f} value={f}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
                <fieldset className="features" aria-invalid={invalid(productField(i + 1, "features"))} aria-describedby={described(productField(i + 1, "features"))}>
                  <legend>{fieldLabel(productField(i + 1, "features"))}</legend>
                  {FEATURES.map(([f, label]) => (
                    <label key={f} className="check">
                      <input
                        type="checkbox"
                        checked={p.features.includes(f)}
                        onChange={(e) =>
                          setProduct(i, {
                            features: e.target.checked ? [...p.features, f] : p.features.filter((x) => x !== f),
                          })
                        }
                      />
                      {label}
                    </label>
                  ))}
                  {fieldError(productField(i + 1, "features"))}
                </fieldset>
                {text(productField(i + 1, "price"), p.monthly_price, (v) => setProduct(i, { monthly_price: v }))}
                {text(productField(i + 1, "seats"), p.seats, (v) => setProduct(i, { seats: v }), "number")}
                {products.length > 1 && (
                  <button type="button" className="link" onClick={() => setProducts(products.filter((_, k) => k !== i))}>
                    Remove {n}
                  </button>
                )}
              </div>
            );
          })}
          <button type="button" onClick={() => setProducts([...products, { ...NEW_PRODUCT }])}>
            Add product
          </button>
          <p className="help">Price: per seat and month. Seats: how many you already own (0 is fine).</p>
        </fieldset>
        <div role="alert" className={error ? "message message-failure" : "message-empty"}>
          {error?.message ?? ""}
        </div>
        <div className="buttons">
          <button type="button" onClick={onBack} disabled={busy}>
            Back
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create organization"}
          </button>
        </div>
      </form>
    </main>
  );
}

import { PERMISSION } from "../../backend";
import { useId } from "react";
import type { App } from "../../backend";
import { missingPermission, ReadOnlyReason } from "../../ui/ReadOnlyReason";
import { FieldError, type SectionProps } from "./common";
import { FIELDS } from "../../backend/fields";

/** The field core names in an error about an app: the app's switch. */
const APP_FIELDS = {
  desktop_app: FIELDS.desktopApp,
  mobile_app: FIELDS.mobileApp,
  web_app: FIELDS.webApp,
  video_meetings: FIELDS.videoMeetings,
} as const satisfies Record<App, string>;

function listProducts(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The apps the user may sign in to; those the product lacks say which product has them. */
export function AppAccessSection({ setup, user, session, error, run, saveSection, drafts, edit }: SectionProps) {
  const id = useId();
  const lock = missingPermission(session, PERMISSION.SettingsManage);
  const on = drafts.apps;
  const setOn = (apps: App[]) => edit("apps", apps);
  const disabled = lock !== null || !setup.licensed;

  const save = () =>
    run(async () => {
      await saveSection({ apps: { user_id: user.id, enabled: on } }, "apps");
      return `App access of ${user.first_name} ${user.last_name} saved.`;
    });

  return (
    <section className="setup-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>App access</h3>
      {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
      <ul className="apps">
        {setup.apps.map((a) => (
          <li key={a.app}>
            <label className="check">
              <input
                type="checkbox"
                checked={on.includes(a.app)}
                disabled={disabled || !a.available}
                aria-describedby={a.available ? undefined : `${id}-${a.app}-why`}
                onChange={(e) => setOn(e.target.checked ? [...on, a.app] : on.filter((x) => x !== a.app))}
              />
              {a.label}
            </label>
            {!a.available && (
              <span id={`${id}-${a.app}-why`} className="help">
                {a.included_in.length > 0
                  ? `Not in this license; included in ${listProducts(a.included_in)}.`
                  : "Not included in any product you own."}
              </span>
            )}
            <FieldError id={`${id}-${a.app}-error`} error={error} field={APP_FIELDS[a.app]} />
          </li>
        ))}
      </ul>
      <div className="section-actions">
        <button type="button" disabled={disabled} onClick={() => void save()}>
          Save app access
        </button>
      </div>
    </section>
  );
}

import type { ChecklistItem } from "../../backend";

const MARK = { done: "✓", to_do: "○", not_included: "–" } as const;
const STATE = { done: "Done", to_do: "To do", not_included: "Not included" } as const;

/** Where the user stands after a license: what is set up and what is left to do. */
export function Checklist({ items }: { items: ChecklistItem[] }) {
  return (
    <section className="setup-checklist" aria-labelledby="setup-checklist-title">
      <h3 id="setup-checklist-title">Setup checklist</h3>
      <ul>
        {items.map((i) => (
          <li key={i.item} className={`check-${i.state}`}>
            <span className="check-mark" aria-hidden="true">
              {MARK[i.state]}
            </span>
            <span className="check-item">{i.item}</span>
            <span className="check-state">{STATE[i.state]}</span>
            <span className="check-detail">{i.detail}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

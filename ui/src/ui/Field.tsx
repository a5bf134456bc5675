import type { ReactNode } from "react";

/** What a field's control spreads onto itself: its id and its error's description. */
export type ControlProps = {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
};

type Props = {
  /** The control's id; the error is `${id}-error`. */
  id: string;
  label: ReactNode;
  /** The message shown under the control, when this field is the one in error. */
  error?: string | null;
  /** More ids the control is described by (a hint, a lock reason). */
  describedBy?: string;
  /** "grid": label and control as two cells of a `.form-grid`; "row": one `.form-row` across it. */
  layout?: "grid" | "row";
  children: (control: ControlProps) => ReactNode;
};

/** A labelled control with its field error under it, tied together for assistive technology. */
export function Field({ id, label, error, describedBy, layout = "grid", children }: Props) {
  const errorId = `${id}-error`;
  const described = [error ? errorId : null, describedBy].filter(Boolean).join(" ") || undefined;
  const control = children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": described });
  const message = error ? (
    <p id={errorId} className="field-error">
      {error}
    </p>
  ) : null;
  const labelEl = <label htmlFor={id}>{label}</label>;
  if (layout === "row") {
    return (
      <div className="span-2 form-row">
        {labelEl}
        {control}
        {message}
      </div>
    );
  }
  return (
    <>
      {labelEl}
      <div>
        {control}
        {message}
      </div>
    </>
  );
}

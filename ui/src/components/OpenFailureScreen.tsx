import type { OpenFailure } from "../backend";
import { BrandMark } from "./BrandMark";

/** Shown instead of the sign-in when the organization file cannot be opened. */
export function OpenFailureScreen({ failure }: { failure: OpenFailure }) {
  return (
    <main className="signin">
      <section className="signin-card failure" aria-labelledby="failure-title">
        <div className="brand brand-large">
          <BrandMark size={36} />
          <span>LicenseDesk</span>
        </div>
        <h1 id="failure-title">This organization file cannot be opened</h1>
        <p className="mono path">{failure.path}</p>
        <p role="alert" className="message message-failure">
          {failure.error.message}
        </p>
        <h2>What to do</h2>
        <p>{failure.advice}</p>
      </section>
    </main>
  );
}

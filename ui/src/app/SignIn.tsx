import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { BrandMark } from "../ui/BrandMark";
import { backend, BackendError, type AccountChoice, type SessionInfo } from "../backend";
import { markReady } from "../perf";
import { FIELDS } from "../backend/fields";

type Props = { notice: string | null; onSignedIn: (s: SessionInfo) => void };

export function SignIn({ notice, onSignedIn }: Props) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: () => backend.signIn(login, password),
    onSuccess: (session) => onSignedIn(session),
    onError: () => setPassword(""),
  });
  const error = signIn.error as BackendError | null;
  const busy = signIn.isPending;
  const [choices, setChoices] = useState<AccountChoice[]>([]);
  const accountRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    accountRef.current?.focus();
    markReady("sign-in");
  }, []);
  useEffect(() => {
    backend
      .accountChoices()
      .then(setChoices)
      .catch(() => setChoices([]));
  }, []);

  function choose(c: AccountChoice) {
    setLogin(c.login);
    setPassword("");
    signIn.reset();
    passwordRef.current?.focus();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    signIn.mutate();
  }

  const fieldError = (field: string) => (error?.field === field ? error.reason : null);
  const accountError = fieldError(FIELDS.account);
  const passwordError = fieldError(FIELDS.password);

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} noValidate>
        <div className="brand brand-large">
          <BrandMark size={36} />
          <span>LicenseDesk</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">Sign in with your LicenseDesk admin account.</p>
        <div role="status" className={notice ? "message message-success" : "message-empty"}>
          {notice ?? ""}
        </div>
        <div className="field">
          <label htmlFor="signin-account">Account</label>
          <input
            id="signin-account"
            ref={accountRef}
            type="text"
            autoComplete="username"
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            aria-invalid={accountError ? true : undefined}
            aria-describedby={accountError ? "account-error" : undefined}
          />
          {accountError && <span id="account-error" className="field-error">{accountError}</span>}
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            ref={passwordRef}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={passwordError ? "password-error" : undefined}
          />
          {passwordError && <span id="password-error" className="field-error">{passwordError}</span>}
        </div>
        <div role="alert" className={error ? "message message-failure" : "message-empty"}>
          {error?.message ?? ""}
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {choices.length > 0 && (
          <div className="picker">
            <h2 id="picker-title">Accounts in this organization</h2>
            <ul aria-labelledby="picker-title">
              {choices.map((c) => (
                <li key={c.login}>
                  <button type="button" aria-label={`Use account ${c.login}`} onClick={() => choose(c)}>
                    <span className="picker-name">{c.display_name}</span>
                    <span className="picker-sub">
                      {c.login} · {c.role}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </form>
    </main>
  );
}

import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { backend, type BackupInfo, type OpenFailure } from "../backend";
import { OpenFailureScreen } from "./OpenFailureScreen";
import { render } from "../test/render";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return { ...real, backend: { restoreDamagedFile: vi.fn(), reopenOrganizationFile: vi.fn() } };
});

const daily: BackupInfo = {
  file_name: "2026-03-02T09-00-00.000Z-daily.sqlite",
  created_at: "2026-03-02T09:00:00Z",
  reason: "daily",
  size_bytes: 4096,
  schema_version: 5,
};

const damaged: OpenFailure = {
  path: "/home/pat/acme.sqlite",
  on_server: false,
  kind: "damaged",
  error: { code: "database", message: "The database could not be read or written: database disk image is malformed" },
  advice: "This file is damaged.",
  backups: [daily],
};

describe("OpenFailureScreen", () => {
  it("restores a chosen backup and tells where the damaged file is kept", async () => {
    vi.mocked(backend.restoreDamagedFile).mockResolvedValue({
      restored: daily,
      kept_as: "/home/pat/acme.damaged-2026-03-03T10-00-00Z.sqlite",
    });
    const onReopened = vi.fn();
    render(<OpenFailureScreen failure={damaged} onFile={vi.fn()} onReopened={onReopened} />);
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Restore a backup…" }));
    await userEvent.click(screen.getByRole("button", { name: "Restore the backup taken 2026-03-02 09:00:00 UTC" }));
    expect(backend.restoreDamagedFile).toHaveBeenCalledWith("2026-03-02T09-00-00.000Z-daily.sqlite");
    expect(onReopened).toHaveBeenCalledWith(expect.stringContaining("kept unchanged as /home/pat/acme.damaged-"));
  });

  it("offers Try again, not a restore, for a locked file, and the file actions always", async () => {
    const onFile = vi.fn().mockResolvedValue(undefined);
    render(
      <OpenFailureScreen
        failure={{ ...damaged, kind: "locked", backups: [] }}
        onFile={onFile}
        onReopened={vi.fn()}
      />,
    );
    expect(screen.queryByRole("button", { name: "Restore a backup…" })).toBeNull();
    expect(screen.getByRole("button", { name: "Try again" })).toBeEnabled();
    await userEvent.click(screen.getByRole("button", { name: "Create a new organization…" }));
    expect(onFile).toHaveBeenCalledWith("new");
    await userEvent.click(screen.getByRole("button", { name: "Open another file…" }));
    expect(onFile).toHaveBeenCalledWith("open");
  });

  it("names a server, not a file, when the organization on a server cannot be opened", () => {
    const failure: OpenFailure = {
      path: "dana@db.example.com/office",
      on_server: true,
      kind: "other",
      error: { code: "server_unreachable", message: "The server cannot be reached: connection refused" },
      advice: "The server did not answer.",
      backups: [],
    };
    render(<OpenFailureScreen failure={failure} onFile={vi.fn()} onReopened={vi.fn()} />);
    expect(screen.getByRole("heading", { name: "The organization on the server cannot be opened" })).toBeTruthy();
    expect(screen.getByText("dana@db.example.com/office")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
  });
});

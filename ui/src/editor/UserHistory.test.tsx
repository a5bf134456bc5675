import { screen, waitFor, within } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, type SafetyArchive } from "../backend";
import { UserHistory } from "./UserHistory";
import { helpdesk, superAdmin } from "../test/fixtures";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: {
      safetyArchives: vi.fn(),
      auditLog: vi.fn(),
      restorePreview: vi.fn(),
    },
  };
});

const mocked = vi.mocked(backend);

function archive(over: Partial<SafetyArchive> = {}): SafetyArchive {
  return {
    id: 5,
    path: "/data/org-safety-archives/kofi-andersson-user3-archive5-removed-x.zip",
    created_at: "2026-12-01T10:00:00Z",
    expires_at: "2026-12-31T10:00:00Z",
    present: true,
    problem: null,
    restored_at: null,
    restorable: true,
    batch_size: 1,
    ...over,
  };
}

beforeEach(() => {
  vi.resetAllMocks();
  mocked.auditLog.mockResolvedValue({ entries: [], next_before_id: null } as never);
});

describe("UserHistory", () => {
  it("offers the restore on an archive within its 30 days and opens the preview", async () => {
    mocked.safetyArchives.mockResolvedValue([archive(), archive({ id: 4, path: "/old.zip", restorable: false, restored_at: "2026-12-02T09:00:00Z" })]);
    mocked.restorePreview.mockReturnValue(new Promise(() => undefined));
    render(<UserHistory userId={3} session={superAdmin} />);
    const buttons = await screen.findAllByRole("button", { name: "Restore license and data" });
    expect(buttons).toHaveLength(1);
    expect(screen.getByText(/restored/)).toBeTruthy();
    await userEvent.click(buttons[0]!);
    const dialog = screen.getByRole("dialog", { name: "Restore license and data" });
    expect(within(dialog).getByText("Reading the safety archive…")).toBeTruthy();
    await waitFor(() => expect(mocked.restorePreview).toHaveBeenCalledWith(5, false));
  });

  it("keeps the button disabled for a role that cannot assign licenses", async () => {
    mocked.safetyArchives.mockResolvedValue([archive()]);
    render(<UserHistory userId={3} session={helpdesk} />);
    const button = await screen.findByRole("button", { name: "Restore license and data" });
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });
});

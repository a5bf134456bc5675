import { screen, waitFor, within } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend, type BulkPreview, type OnProgress } from "../backend";
import { BulkDialog } from "./BulkDialog";
import { voicePro } from "../test/fixtures";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: { bulkPreview: vi.fn(), exportSelectedUserData: vi.fn(), cancelLongWork: vi.fn() },
  };
});

const mocked = vi.mocked(backend);
const ids = Array.from({ length: 300 }, (_, i) => i + 1);

const removal: BulkPreview = {
  lines: ids.map((id) => ({
    user_id: id,
    name: `User ${id}`,
    outcome: "Loses Voice Pro: its data is deleted, number and extension released.",
    applies: true,
    deletes_data: true,
  })),
  applies: 300,
  seats_needed: 0,
  seats_available: 0,
  shortfall: null,
  deleting: 300,
  data_loss: "Deletes the data of 300 users: 4,000 call history entries.",
};

beforeEach(() => {
  vi.resetAllMocks();
  mocked.bulkPreview.mockResolvedValue(removal);
  mocked.cancelLongWork.mockResolvedValue(null);
});

describe("BulkDialog export progress", () => {
  it("counts the users exported, and Cancel leaves no file", async () => {
    let fail: (e: unknown) => void = () => undefined;
    mocked.exportSelectedUserData.mockImplementation((_ids, _name, onProgress: OnProgress) => {
      onProgress({ done: 120, total: 300 });
      return new Promise((_, reject) => (fail = reject));
    });
    render(<BulkDialog initial="remove" userIds={ids} products={[voicePro]} onClose={vi.fn()} onDone={vi.fn()} />);
    await userEvent.click(await screen.findByRole("button", { name: "Export user data" }));
    const view = await screen.findByRole("group", { name: "Exporting user data" }, { timeout: 5000 });
    expect(within(view).getByRole("progressbar", { name: "Export progress" })).toHaveAttribute("value", "120");
    expect(view).toHaveTextContent("120 of 300 users");
    await userEvent.click(within(view).getByRole("button", { name: "Cancel" }));
    expect(mocked.cancelLongWork).toHaveBeenCalledTimes(1);
    fail(new BackendError({ code: "cancelled", message: "Cancelled: nothing was changed." }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Export cancelled: no file was written."));
    expect(screen.queryByRole("progressbar", { name: "Export progress" })).toBeNull();
    expect(screen.getByRole("alert")).toHaveTextContent("");
  });
});

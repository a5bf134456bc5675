import { act, screen, waitFor } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend, type UserPage } from "../backend";
import { MessageBar, MessagesProvider } from "../ui/Messages";
import { UsersPage } from "./UsersPage";
import { kofi, superAdmin, voicePro } from "../test/fixtures";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: { searchUsers: vi.fn(), countUsers: vi.fn(), licenseInventory: vi.fn() },
  };
});

const mocked = vi.mocked(backend);
const page: UserPage = { users: [kofi], next: null };

function show() {
  return render(
    <MessagesProvider>
      <MessageBar />
      <UsersPage session={superAdmin} />
    </MessagesProvider>,
  );
}

beforeEach(() => {
  vi.resetAllMocks();
  mocked.licenseInventory.mockResolvedValue([voicePro]);
  mocked.countUsers.mockResolvedValue(1);
});

describe("the Users list", () => {
  it("searches at each keystroke, and while a search is on its way only the newest text waits for it", async () => {
    let answer: (p: UserPage) => void = () => undefined;
    mocked.searchUsers.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    mocked.searchUsers.mockResolvedValue(page);
    show();
    await waitFor(() => expect(mocked.searchUsers).toHaveBeenCalledTimes(1));

    await userEvent.type(screen.getByRole("searchbox", { name: "Search users" }), "kof");
    // The first search has not answered: "k" and "ko" are skipped, "kof" waits.
    expect(mocked.searchUsers).toHaveBeenCalledTimes(1);
    await act(async () => answer(page));

    await waitFor(() => expect(mocked.searchUsers).toHaveBeenCalledTimes(2));
    expect(mocked.searchUsers.mock.calls[1]?.[0]).toMatchObject({ search: "kof", after: null });
    // The count comes after the rows, for the search shown.
    await screen.findByText("1 of the organization's users match");
    expect(mocked.countUsers).toHaveBeenLastCalledWith(expect.objectContaining({ search: "kof" }));
  });

  it("times the last keystroke to its own results, not to an older search's answer painted meanwhile", async () => {
    performance.clearMeasures("ld:search");
    let answer: (p: UserPage) => void = () => undefined;
    mocked.searchUsers.mockResolvedValueOnce(page);
    mocked.searchUsers.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    mocked.searchUsers.mockResolvedValue(page);
    show();
    await waitFor(() => expect(mocked.searchUsers).toHaveBeenCalledTimes(1));
    const search = screen.getByRole("searchbox", { name: "Search users" });

    // "k" goes out at once; "kof" waits for its answer.
    await userEvent.type(search, "kof");
    await act(async () => answer(page));
    await waitFor(() => expect(mocked.searchUsers).toHaveBeenCalledTimes(3));

    const searches = () => performance.getEntriesByName("ld:search").map((m) => (m as PerformanceMeasure).detail?.search);
    await waitFor(() => expect(searches()).toContain("kof"));
    // The answer for "k" ended no measure: it was not what the last keystroke asked for.
    expect(searches()).toEqual(["kof"]);
  });

  it("shows a failed search instead of dropping it", async () => {
    mocked.searchUsers.mockRejectedValue(new BackendError({ code: "database", message: "The database could not be read." }));
    show();
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("The database could not be read."));
    expect(mocked.countUsers).not.toHaveBeenCalled();
  });

  it("keeps its place when the same search is read again (a save), and goes to the top for another", async () => {
    mocked.searchUsers.mockResolvedValue(page);
    const { client } = show();
    // The count is asked for once the rows are shown.
    await waitFor(() => expect(mocked.countUsers).toHaveBeenCalled());
    const box = screen.getByTestId("users-scroll");
    box.scrollTop = 400;
    const calls = mocked.searchUsers.mock.calls.length;

    await act(() => client.invalidateQueries({ queryKey: ["users"] }));
    await waitFor(() => expect(mocked.searchUsers.mock.calls.length).toBeGreaterThan(calls));
    expect(box.scrollTop).toBe(400);

    await userEvent.type(screen.getByRole("searchbox", { name: "Search users" }), "k");
    await waitFor(() => expect(mocked.searchUsers).toHaveBeenLastCalledWith(expect.objectContaining({ search: "k" })));
    await waitFor(() => expect(box.scrollTop).toBe(0));
  });
});

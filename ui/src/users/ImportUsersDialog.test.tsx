import { screen, waitFor, within } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend, type ImportChoices, type ImportPreview, type OnProgress, type ProductInventory } from "../backend";
import { ImportUsersDialog } from "./ImportUsersDialog";
import { SHOW_AFTER_MS } from "../ui/LongWork";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: {
      chooseImportFile: vi.fn(),
      recheckImport: vi.fn(),
      applyImport: vi.fn(),
      cancelLongWork: vi.fn(),
      licenseInventory: vi.fn(),
    },
  };
});

const mocked = vi.mocked(backend);

const preview: ImportPreview = {
  layout: "LicenseDesk users file",
  mapping_source: "layout",
  columns: [],
  notes: [],
  other_licenses: [],
  missing_sites: [],
  rows: 2,
  issues: [],
  new_users: [
    { row: 2, name: "Ana Ruiz", email: "ana@example.com", changes: ["Site: Austin"] },
    { row: 3, name: "Ben Okoro", email: "ben@example.com", changes: ["Site: Austin"] },
  ],
  changed_users: [],
  unchanged: 0,
  seats: [],
  missing_seats_monthly_cents: 0,
  ready: true,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The bar waits SHOW_AFTER_MS before it shows; leave room for a busy machine.
const SHOWN = { timeout: 5000 };

beforeEach(() => {
  vi.resetAllMocks();
  mocked.cancelLongWork.mockResolvedValue(null);
});

describe("ImportUsersDialog progress", () => {
  it("shows the rows checked of a long check, and Cancel stops it with nothing imported", async () => {
    let fail: (e: unknown) => void = () => undefined;
    mocked.chooseImportFile.mockImplementation((onProgress: OnProgress) => {
      onProgress({ done: 3200, total: 10000 });
      return new Promise((_, reject) => (fail = reject));
    });
    render(<ImportUsersDialog onClose={vi.fn()} onImported={vi.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Choose CSV file" }));
    const bar = await screen.findByRole("progressbar", { name: "Import progress" }, SHOWN);
    expect(bar).toHaveAttribute("value", "3200");
    expect(bar).toHaveAttribute("max", "10000");
    const view = screen.getByRole("group", { name: "Checking the file" });
    expect(view).toHaveTextContent("3,200 of 10,000 rows");
    await userEvent.click(within(view).getByRole("button", { name: "Cancel" }));
    expect(mocked.cancelLongWork).toHaveBeenCalledTimes(1);
    fail(new BackendError({ code: "cancelled", message: "Cancelled: nothing was changed." }));
    expect(await screen.findByRole("status")).toHaveTextContent("Check cancelled");
    expect(screen.queryByRole("progressbar", { name: "Import progress" })).toBeNull();
    expect(screen.getByRole("alert")).toHaveTextContent("");
  });

  it("does not flash a bar for a small file", async () => {
    mocked.chooseImportFile.mockImplementation(async (onProgress: OnProgress) => {
      onProgress({ done: 0, total: 2 });
      onProgress({ done: 2, total: 2 });
      return ["/tmp/two.csv", preview];
    });
    render(<ImportUsersDialog onClose={vi.fn()} onImported={vi.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Choose CSV file" }));
    expect(await screen.findByRole("button", { name: "Import 2 users" })).toBeEnabled();
    await sleep(SHOW_AFTER_MS + 100);
    expect(screen.queryByRole("progressbar", { name: "Import progress" })).toBeNull();
  });

  it("counts the users imported, and a cancelled import says nothing was imported", async () => {
    mocked.chooseImportFile.mockResolvedValue(["/tmp/two.csv", preview]);
    let fail: (e: unknown) => void = () => undefined;
    mocked.applyImport.mockImplementation((_choices: ImportChoices, onProgress: OnProgress) => {
      onProgress({ done: 1, total: 2 });
      return new Promise((_, reject) => (fail = reject));
    });
    const onImported = vi.fn();
    render(<ImportUsersDialog onClose={vi.fn()} onImported={onImported} />);
    await userEvent.click(screen.getByRole("button", { name: "Choose CSV file" }));
    await userEvent.click(await screen.findByRole("button", { name: "Import 2 users" }));
    const view = await screen.findByRole("group", { name: "Importing users" }, SHOWN);
    // Focus moves to Cancel in an effect after the view is shown: on a loaded machine the
    // view can be found first.
    await waitFor(() => expect(within(view).getByRole("button", { name: "Cancel" })).toHaveFocus());
    expect(view).toHaveTextContent("1 of 2 users");
    await userEvent.keyboard("{Escape}");
    expect(mocked.cancelLongWork).toHaveBeenCalledTimes(1);
    fail(new BackendError({ code: "cancelled", message: "Cancelled: nothing was changed." }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Import cancelled: nothing was imported."));
    expect(onImported).not.toHaveBeenCalled();
  });
});

/** A file with a header LicenseDesk does not know, from another system. */
const hrFile: ImportPreview = {
  ...preview,
  layout: null,
  mapping_source: "guessed",
  columns: [
    { header: "Employee Name", field: "display_name", samples: ["Sofía Ramírez"] },
    { header: "Work Email", field: "email", samples: ["sofia@example.com"] },
    { header: "Mobile", field: "phone_number", samples: ["+1 512 555 0100"] },
    { header: "Plan", field: "license", samples: ["Microsoft 365 E3"] },
  ],
  other_licenses: [{ name: "Microsoft 365 E3", users: 2 }],
  notes: ["2 users have a license of another system (Microsoft 365 E3): LicenseDesk does not sell it, so they are imported without a license (the ones who hold one here keep it)."],
  ready: false,
};

describe("ImportUsersDialog mapping", () => {
  it("opens the mapping step for unknown columns and checks again with the column chosen", async () => {
    mocked.chooseImportFile.mockResolvedValue(["/tmp/hr.csv", hrFile]);
    mocked.licenseInventory.mockResolvedValue([{ product_id: 7, name: "Voice Essentials", available: 2 } as ProductInventory]);
    mocked.recheckImport.mockResolvedValue({ ...hrFile, mapping_source: "chosen" });
    render(<ImportUsersDialog onClose={vi.fn()} onImported={vi.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Choose CSV file" }));
    expect(await screen.findByText(/Columns guessed from their names/)).toHaveTextContent(
      "Employee Name → Display name, Work Email → Email, Mobile → Phone number, Plan → License.",
    );
    const mapping = screen.getByRole("group", { name: "Column mapping" });
    const number = within(mapping).getByRole("combobox", { name: "Phone number" });
    expect(number).toHaveValue("2");
    await userEvent.selectOptions(number, "Not in the file");
    expect(mocked.recheckImport).toHaveBeenCalledWith(
      { columns: ["display_name", "email", null, "license"], product_for_other_licenses: null, create_sites: false },
      expect.any(Function),
    );
    // A product for the users of another system's license: checked again with it.
    const other = await screen.findByRole("combobox", { name: "License for users of another system" });
    await screen.findByRole("option", { name: "Voice Essentials (2 free)" });
    await userEvent.selectOptions(other, "Voice Essentials (2 free)");
    await waitFor(() =>
      expect(mocked.recheckImport).toHaveBeenLastCalledWith(
        { columns: ["display_name", "email", null, "license"], product_for_other_licenses: 7, create_sites: false },
        expect.any(Function),
      ),
    );
  });

  it("shows a known layout's mapping without asking", async () => {
    mocked.chooseImportFile.mockResolvedValue([
      "/tmp/m365.csv",
      {
        ...preview,
        layout: "Microsoft 365 admin center user export",
        columns: [
          { header: "User principal name", field: "email", samples: [] },
          { header: "Fax", field: null, samples: [] },
        ],
      },
    ]);
    render(<ImportUsersDialog onClose={vi.fn()} onImported={vi.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Choose CSV file" }));
    expect(
      await screen.findByText("Recognized as a Microsoft 365 admin center user export: User principal name → Email; 1 column not used."),
    ).toBeInTheDocument();
    expect(screen.queryByRole("group", { name: "Column mapping" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Change column mapping" }));
    expect(screen.getByRole("group", { name: "Column mapping" })).toBeInTheDocument();
  });
});

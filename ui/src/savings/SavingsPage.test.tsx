import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "../test/render";
import { BackendError, backend, type ReclaimPreview, type Savings, type SessionInfo } from "../backend";
import { MessageBar, MessagesProvider } from "../ui/Messages";
import { superAdmin } from "../test/fixtures";
import { SavingsPage } from "./SavingsPage";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: { savings: vi.fn(), reclaimPreview: vi.fn(), reclaim: vi.fn() },
  };
});

const mocked = vi.mocked(backend);

const savings: Savings = {
  currency: "USD",
  idle_days: 60,
  total_monthly_cents: 3200 + 3200 + 6400,
  lines: [
    {
      key: "user-7",
      user_id: 7,
      user_name: "Nora Johnson",
      product_id: 2,
      product_name: "Voice Pro",
      quantity: 1,
      reasons: [{ kind: "suspended" }],
      reason: "Suspended, still holds a billed license",
      monthly_cost_cents: 3200,
      step_down: null,
      suggested: "remove",
    },
    {
      key: "user-9",
      user_id: 9,
      user_name: "Imani Kaur",
      product_id: 2,
      product_name: "Voice Pro",
      quantity: 1,
      reasons: [{ kind: "over_licensed", unused: ["call_recording", "desktop_app"] }],
      reason: "Uses no call recording or the desktop app: Voice Essentials keeps all their data",
      monthly_cost_cents: 3200,
      step_down: { product_id: 1, product_name: "Voice Essentials", monthly_price_cents: 2000 },
      suggested: "step_down",
    },
    {
      key: "product-2",
      user_id: null,
      user_name: null,
      product_id: 2,
      product_name: "Voice Pro",
      quantity: 2,
      reasons: [{ kind: "unassigned" }],
      reason: "2 unassigned seats, held by nobody",
      monthly_cost_cents: 6400,
      step_down: null,
      suggested: "cancel",
    },
  ],
};

const preview: ReclaimPreview = {
  steps: [
    {
      label: "Nora Johnson",
      outcome: "Loses Voice Pro: call history, voicemail, forwarding and devices deleted.",
      deletes_data: true,
    },
  ],
  cancellations: [{ product_id: 2, product_name: "Voice Pro", quantity: 1, monthly_cents: 3200 }],
  removals: 1,
  step_downs: 0,
  effective_on: "2027-01-01",
  current_total_cents: 100000,
  new_total_cents: 96800,
  saving_cents: 3200,
  currency: "USD",
  question: "This removes …",
};

function show(session: SessionInfo = superAdmin) {
  render(
    <MessagesProvider>
      <MessageBar />
      <SavingsPage session={session} />
    </MessagesProvider>,
  );
}

beforeEach(() => {
  vi.resetAllMocks();
  mocked.savings.mockResolvedValue(savings);
  mocked.reclaimPreview.mockResolvedValue(preview);
});

describe("SavingsPage", () => {
  it("lists each line with its reason, license and monthly cost, and a total", async () => {
    show();
    const table = await screen.findByRole("table", { name: "Savings" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(expect.arrayContaining(["User", "Reason", "License", "Monthly cost"]));
    expect(screen.getByRole("checkbox", { name: "Select Nora Johnson" })).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Select unassigned Voice Pro seats" })).toBeInTheDocument();
    expect(within(table).getByText("2 unassigned seats, held by nobody")).toBeInTheDocument();
    expect(within(table).getByLabelText("Total monthly cost")).toHaveTextContent("$128.00");
    expect(screen.getByRole("button", { name: "Reclaim selected" })).toBeDisabled();
  });

  it("reclaims the selection through the guided step and reports the outcome", async () => {
    mocked.reclaim.mockResolvedValue({
      preview,
      export: null,
      safety_archives: 1,
      message: "Reclaimed: cancellation of 1 license requested, billed until 2027-01-01.",
    });
    show();
    await userEvent.click(await screen.findByRole("checkbox", { name: "Select Nora Johnson" }));
    await userEvent.click(screen.getByRole("button", { name: "Reclaim selected" }));
    const dialog = await screen.findByRole("dialog", { name: "Reclaim licenses" });
    expect(mocked.reclaimPreview).toHaveBeenCalledWith({ items: [{ kind: "remove", user_id: 7 }] });
    expect(await within(dialog).findByText("2027-01-01")).toBeInTheDocument();
    expect(within(dialog).getByRole("table", { name: "Cancellation" })).toHaveTextContent("$32.00");
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /Export the data/ }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Reclaim $32.00/month" }));
    expect(mocked.reclaim).toHaveBeenCalledWith({ items: [{ kind: "remove", user_id: 7 }] }, true);
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Reclaimed: cancellation of 1 license"));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("offers the step down per user and keeps the dialog when the admin says no natively", async () => {
    mocked.reclaim.mockRejectedValue(new BackendError({ code: "cancelled", message: "Cancelled: nothing was changed." }));
    show();
    await userEvent.click(await screen.findByRole("checkbox", { name: "Select Imani Kaur" }));
    await userEvent.click(screen.getByRole("button", { name: "Reclaim selected" }));
    const dialog = await screen.findByRole("dialog", { name: "Reclaim licenses" });
    const choice = within(dialog).getByRole("combobox", { name: "What to do for Imani Kaur" });
    expect(choice).toHaveValue("step_down");
    await waitFor(() =>
      expect(mocked.reclaimPreview).toHaveBeenCalledWith({ items: [{ kind: "step_down", user_id: 9, product_id: 1 }] }),
    );
    await userEvent.selectOptions(choice, "remove");
    await waitFor(() => expect(mocked.reclaimPreview).toHaveBeenLastCalledWith({ items: [{ kind: "remove", user_id: 9 }] }));
    await userEvent.click(await within(dialog).findByRole("button", { name: /^Reclaim / }));
    await waitFor(() => expect(mocked.reclaim).toHaveBeenCalled());
    expect(screen.getByRole("dialog", { name: "Reclaim licenses" })).toBeInTheDocument();
    expect(within(dialog).getByRole("alert")).toHaveTextContent("");
  });

  it("says before Reclaim which permission a removal needs", async () => {
    const billingAdmin: SessionInfo = {
      ...superAdmin,
      role: "Billing Admin",
      missing: [
        {
          permission: "licenses.remove",
          label: "Remove licenses",
          message: "Your role Billing Admin does not include Remove licenses. Ask Dana Reyes (Super Admin).",
          switch_suggested: false,
      because: "role",
        },
      ],
    };
    show(billingAdmin);
    await userEvent.click(await screen.findByRole("checkbox", { name: "Select Nora Johnson" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Select unassigned Voice Pro seats" }));
    await userEvent.click(screen.getByRole("button", { name: "Reclaim selected" }));
    const dialog = await screen.findByRole("dialog", { name: "Reclaim licenses" });
    const button = await within(dialog).findByRole("button", { name: /^Reclaim / });
    await waitFor(() => expect(button).toHaveAccessibleDescription(/does not include Remove licenses/));
    expect(button).toBeDisabled();
  });

  it("says so when there is nothing to reclaim", async () => {
    mocked.savings.mockResolvedValue({ ...savings, lines: [], total_monthly_cents: 0 });
    show();
    expect(await screen.findByText(/Nothing to reclaim/)).toBeInTheDocument();
    expect(screen.queryByRole("table")).toBeNull();
  });
});

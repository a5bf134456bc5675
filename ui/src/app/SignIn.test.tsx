import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { BackendError, backend } from "../backend";
import { SignIn } from "./SignIn";
import { superAdmin } from "../test/fixtures";
import { render } from "../test/render";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: {
      signIn: vi.fn(),
      windowReady: vi.fn().mockResolvedValue(undefined),
      accountChoices: vi.fn().mockResolvedValue([{ login: "dana.reyes", display_name: "Dana Reyes", role: "Super Admin" }]),
    },
  };
});

describe("SignIn", () => {
  it("tells the backend once it is painted with the account field focused", async () => {
    render(<SignIn notice={null} onSignedIn={vi.fn()} />);
    expect(screen.getByRole("textbox", { name: "Account" })).toHaveFocus();
    await waitFor(() => expect(backend.windowReady).toHaveBeenCalledWith("sign-in"));
    expect(performance.getEntriesByName("ld:sign-in-ready")).toHaveLength(1);
  });

  it("fills the account from the picker and moves to the password", async () => {
    render(<SignIn notice={null} onSignedIn={vi.fn()} />);
    await userEvent.click(await screen.findByRole("button", { name: "Use account dana.reyes" }));
    expect(screen.getByRole("textbox", { name: "Account" })).toHaveValue("dana.reyes");
    expect(screen.getByLabelText("Password")).toHaveFocus();
  });

  it("signs in with the account and password typed", async () => {
    vi.mocked(backend.signIn).mockResolvedValue(superAdmin);
    const onSignedIn = vi.fn();
    render(<SignIn notice={null} onSignedIn={onSignedIn} />);
    await userEvent.type(screen.getByRole("textbox", { name: "Account" }), "dana.reyes");
    await userEvent.type(screen.getByLabelText("Password"), "super-demo");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(backend.signIn).toHaveBeenCalledWith("dana.reyes", "super-demo");
    expect(onSignedIn).toHaveBeenCalledWith(superAdmin);
  });

  it("shows a refusal in the alert and next to the field it names", async () => {
    vi.mocked(backend.signIn).mockRejectedValue(
      new BackendError({ code: "invalid_input", message: "Account: Enter the account name.", field: "account", reason: "Enter the account name." }),
    );
    render(<SignIn notice={null} onSignedIn={vi.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("Account: Enter the account name."));
    expect(screen.getByRole("textbox", { name: "Account" })).toHaveAccessibleDescription("Enter the account name.");
  });
});

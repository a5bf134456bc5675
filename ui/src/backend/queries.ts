// Every read the screens make, through TanStack Query: one cache key per read, shared by the
// screens that show it, and invalidated after each change instead of re-fetched by hand.
// Failures are never dropped: each screen shows its query's error (see useFailure).
import { useEffect } from "react";
import { notifyManager, QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { backend, type BackendError } from "./index";
import type { AuditQuery, RecordingQuery, UserQuery } from "./bindings";

// A read's answer reaches React in the same task (not after a setTimeout(0)), as the answer
// of a plain `await` did: a search shows its rows no later than before.
notifyManager.setScheduler(queueMicrotask);

/** One client per window; `App` clears it when another account signs in or another file opens. */
export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A failed read is a fact to show (a permission, a damaged file), not a network blip.
        retry: false,
        // The window is the only writer besides this app's other windows; a screen that opens
        // reads afresh, as before, and a change invalidates what it touched.
        refetchOnWindowFocus: false,
        gcTime: 0,
      },
      mutations: { retry: false },
    },
  });
}

/** The cache keys; invalidating a prefix (`["user"]`) refreshes every read under it. */
export const keys = {
  inventory: ["inventory"] as const,
  sites: ["sites"] as const,
  users: (query: Omit<UserQuery, "after" | "limit">) => ["users", "list", query] as const,
  usersCount: (query: Omit<UserQuery, "after" | "limit">) => ["users", "count", query] as const,
  usersAll: ["users"] as const,
  user: (userId: number) => ["user", userId] as const,
  userSetup: (userId: number, version: number | undefined) => ["user", userId, "setup", version] as const,
  safetyArchives: (userId: number) => ["user", userId, "archives"] as const,
  billingSummary: ["billing", "summary"] as const,
  billingHistory: ["billing", "history"] as const,
  costBreakdown: ["billing", "costs"] as const,
  billing: ["billing"] as const,
  /** Under "billing": every change of seats or users refreshes it too. */
  savings: ["billing", "savings"] as const,
  savingsIdleDays: ["settings", "savingsIdleDays"] as const,
  accounts: ["accounts"] as const,
  roles: ["roles"] as const,
  audit: (query: AuditQuery) => ["audit", query] as const,
  auditAll: ["audit"] as const,
  recordings: (query: RecordingQuery) => ["recordings", query] as const,
  backups: ["backups"] as const,
  appInfo: ["appInfo"] as const,
  fileProblems: ["fileProblems"] as const,
};

export function useInventory(enabled = true) {
  return useQuery({ queryKey: keys.inventory, queryFn: backend.licenseInventory, enabled });
}

export function useSites(enabled = true) {
  return useQuery({ queryKey: keys.sites, queryFn: backend.sites, enabled });
}

export function useBillingHistory(enabled = true) {
  return useQuery({ queryKey: keys.billingHistory, queryFn: backend.billingHistory, enabled });
}

export function useCostBreakdown(enabled = true) {
  return useQuery({ queryKey: keys.costBreakdown, queryFn: backend.costBreakdown, enabled });
}

export function useBillingSummary(enabled = true) {
  return useQuery({ queryKey: keys.billingSummary, queryFn: backend.billingSummary, enabled });
}

export function useSavings(enabled = true) {
  return useQuery({ queryKey: keys.savings, queryFn: backend.savings, enabled });
}

/** What to read again after each kind of change. */
export function useInvalidate() {
  const client = useQueryClient();
  return {
    /** Seats were taken, freed, bought or cancelled: the inventory and the bill. */
    seats: () => Promise.all([client.invalidateQueries({ queryKey: keys.inventory }), client.invalidateQueries({ queryKey: keys.billing })]),
    /** Users were added, changed or removed: the list, its counts, and the seats. */
    users: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.usersAll }),
        client.invalidateQueries({ queryKey: ["user"] }),
        client.invalidateQueries({ queryKey: keys.auditAll }),
        client.invalidateQueries({ queryKey: keys.inventory }),
        client.invalidateQueries({ queryKey: keys.billing }),
      ]),
    accounts: () => client.invalidateQueries({ queryKey: keys.accounts }),
    /** An export or another audited action that changes nothing else: the audit log. */
    audit: () => client.invalidateQueries({ queryKey: keys.auditAll }),
    backups: () => client.invalidateQueries({ queryKey: keys.backups }),
    /** The idle days changed: the setting and the savings lines. */
    savingsIdleDays: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.savingsIdleDays }),
        client.invalidateQueries({ queryKey: keys.savings }),
      ]),
    /** A restore or another file: everything. */
    all: () => client.invalidateQueries(),
  };
}

/** Reports a read's failure once per failure (to the page's message area, or a field). */
export function useFailure(error: Error | null, report: (message: string) => void) {
  useEffect(() => {
    if (error) report((error as BackendError).message);
  }, [error, report]);
}

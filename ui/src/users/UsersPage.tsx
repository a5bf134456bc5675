import { PERMISSION } from "../backend";
import { memo, useCallback, useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState } from "react";
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { keys, useFailure, useInvalidate, useInventory } from "../backend/queries";
import { useExportUsers } from "./exportUsers";
import {
  backend,
  BackendError,
  type LicenseFilter,
  type SessionInfo,
  type UserCursor,
  type UserDetail,
  type UserPage,
  type UserRow,
  type UserStatus,
} from "../backend";
import { fullName } from "../ui/format";
import { useNotify, type FollowUp } from "../ui/Messages";
import { SeatChangeForm } from "../billing/SeatChangeForm";
import { missingPermission, LockedPage, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { UserEditor, type Tab } from "../editor/UserEditor";
import type { ReopenEditor } from "../editor/leaveGuard";
import { markPainted, measureToPaint } from "../perf";
import { AddUserForm } from "./AddUserForm";
import { BulkDialog } from "./BulkDialog";
import { ImportUsersDialog } from "./ImportUsersDialog";
import { useSelection } from "./selection";
import { LoadedRows } from "./loadedRows";
import { useRowsInView } from "./rowWindow";

// Pages come from Rust (keyset paging); only the rows in view, plus OVERSCAN on each side,
// are in the DOM, however many are loaded. A list of up to DRAW_WHOLE users is drawn whole
// (the window's own find sees every row). A search's first page is small, so that it is
// painted soon after the keystroke; the pages after it are as large as Rust serves, so that
// a long scroll stops for fewer of them. Every row is ROW_HEIGHT px tall (styles.css), so
// rows are placed by their index and nothing is measured.
const FIRST_PAGE = 200;
const PAGE_SIZE = 500;
const ROW_HEIGHT = 57;
/** Rows drawn beyond each edge of the view: enough for Tab to reach the next row. */
const OVERSCAN = 3;
const DRAW_WHOLE = 100;
/** Load the next page when the view comes this close to the last loaded row. */
const PREFETCH_ROWS = 60;
/** "Select all N matching" reads the ids in pages of this size (the most Rust serves). */
const ID_PAGE = 500;

type Filters = { search: string; license: string; status: string };

function licenseFilter(value: string): LicenseFilter {
  if (value === "unlicensed") return { kind: "unlicensed" };
  if (value === "any") return { kind: "any" };
  return { kind: "product", product_id: Number(value) };
}

/** The search of the filters, without its page. */
function userSearch(f: Filters) {
  return {
    search: f.search,
    license: licenseFilter(f.license),
    status: f.status === "any" ? null : (f.status as UserStatus),
  };
}

type Pages = InfiniteData<UserPage, UserCursor | null>;

/** `pages` with `user`'s row as saved now. */
function withUser(pages: Pages | undefined, user: UserRow): Pages | undefined {
  return (
    pages && {
      ...pages,
      pages: pages.pages.map((p) =>
        p.users.some((r) => r.id === user.id) ? { ...p, users: p.users.map((r) => (r.id === user.id ? user : r)) } : p,
      ),
    }
  );
}

/** One row of the Users table (`index`: its place in the list, from 0). */
const UserTableRow = memo(function UserTableRow({
  user: u,
  index,
  selected,
  onEdit,
  onSelect,
}: {
  user: UserRow;
  index: number;
  selected: boolean;
  onEdit: (u: UserRow) => void;
  onSelect: (u: UserRow, shift: boolean) => void;
}) {
  const name = fullName(u);
  return (
    <tr role="row" aria-rowindex={index + 2} className={selected ? "selected" : undefined}>
      <td role="cell" className="select">
        <input
          type="checkbox"
          aria-label={`Select ${name}`}
          checked={selected}
          onChange={() => undefined}
          onClick={(e) => onSelect(u, e.shiftKey)}
        />
      </td>
      <th role="rowheader" scope="row" title={name}>
        {name}
        <span className="cell-sub">{[u.department, u.site].filter(Boolean).join(" · ")}</span>
      </th>
      <td role="cell" title={u.email}>{u.email}</td>
      <td role="cell" className={u.extension === null ? "mono dim" : "mono"}>{u.extension ?? "None"}</td>
      <td role="cell" className={u.phone_number === null ? "mono dim" : "mono"}>{u.phone_number ?? "None"}</td>
      <td role="cell" className={u.license ? undefined : "dim"}>{u.license ? u.license.product_name : "No license"}</td>
      <td role="cell">
        <span className={`badge badge-${u.status}`}>{u.status === "active" ? "Active" : "Suspended"}</span>
      </td>
      <td role="cell" className="actions">
        <button type="button" aria-label={`Edit ${name}`} onClick={() => onEdit(u)}>
          Edit
        </button>
      </td>
    </tr>
  );
});

/** The Users table's header row: the same element every time the table draws. */
const USERS_HEADER = (
  <thead role="rowgroup">
    <tr role="row" aria-rowindex={1}>
      <th role="columnheader" scope="col" className="select">
        <span className="visually-hidden">Selected</span>
      </th>
      <th role="columnheader" scope="col">Name</th>
      <th role="columnheader" scope="col">Email</th>
      <th role="columnheader" scope="col">Extension</th>
      <th role="columnheader" scope="col">Phone number</th>
      <th role="columnheader" scope="col">License</th>
      <th role="columnheader" scope="col">Status</th>
      <th role="columnheader" scope="col">
        <span className="visually-hidden">Actions</span>
      </th>
    </tr>
  </thead>
);

/**
 * The Users table in its scroll box, with the rows in view plus OVERSCAN on each side.
 * Scrolling draws this component only, not the page around it, and a row already drawn is
 * kept as it is. (It holds the scroll box itself so that it can watch the box from its first
 * layout effect on: a component's effects run before its parent's elements are attached.)
 */
function UsersTable({
  rows,
  total,
  scrollRef,
  selected,
  onEdit,
  onSelect,
  hasMore,
  loadingMore,
  loadMore,
  children,
}: {
  rows: LoadedRows;
  /** How many users match, once counted. */
  total: number | null;
  scrollRef: React.RefObject<HTMLDivElement | null>;
  selected: ReadonlySet<number>;
  onEdit: (u: UserRow) => void;
  onSelect: (u: UserRow, shift: boolean) => void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  /** Shown below the table (when nothing matches). */
  children: React.ReactNode;
}) {
  const inView = useRowsInView(scrollRef, ROW_HEIGHT);
  const whole = rows.length <= DRAW_WHOLE;
  const first = whole ? 0 : Math.min(rows.length, Math.max(0, inView.first - OVERSCAN));
  const end = whole ? rows.length : Math.min(rows.length, inView.last + OVERSCAN);

  // Scrolling near the end of what is loaded asks Rust for the next page.
  useEffect(() => {
    if (hasMore && !loadingMore && end - 1 >= rows.length - PREFETCH_ROWS) loadMore();
  }, [end, rows.length, hasMore, loadingMore, loadMore]);

  // The rows sit at their place in a body as tall as all the loaded rows: the body's top
  // padding stands for the rows above those drawn.
  const drawn: React.ReactNode[] = [];
  for (let index = first; index < end; index++) {
    const user = rows.at(index);
    if (user)
      drawn.push(
        <UserTableRow
          key={user.id}
          user={user}
          index={index}
          selected={selected.has(user.id)}
          onEdit={onEdit}
          onSelect={onSelect}
        />,
      );
  }
  return (
    <div className="users-scroll" ref={scrollRef} data-testid="users-scroll">
      <table role="table" className="grid users" aria-rowcount={total !== null ? total + 1 : undefined}>
        {USERS_HEADER}
        <tbody role="rowgroup" style={{ height: rows.length * ROW_HEIGHT, paddingTop: first * ROW_HEIGHT }}>
          {drawn}
        </tbody>
      </table>
      {children}
    </div>
  );
}

type Props = {
  session: SessionInfo;
  /** Bumped by Ctrl+F: focus the search box. */
  searchRequest?: number;
  /** An editor to open again after "Switch account…"; `onReopened` once it is handled. */
  reopen?: ReopenEditor | null;
  onReopened?: () => void;
  /** "Switch account…" from a read-only reason in the editor. */
  onSwitchAccount?: (reopen: ReopenEditor) => void;
};

type Bulk = "assign" | "change" | "remove";

export function UsersPage({ session, searchRequest = 0, reopen = null, onReopened, onSwitchAccount }: Props) {
  const notify = useNotify();
  const exportUsers = useExportUsers();
  const cannotView = missingPermission(session, PERMISSION.UsersView);
  const [filters, setFilters] = useState<Filters>({ search: "", license: "any", status: "any" });
  const [editing, setEditing] = useState<{ user: UserRow; tab?: Tab } | null>(null);
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const selection = useSelection();
  const addLock = missingPermission(session, PERMISSION.UsersEdit);
  const billingLock = missingPermission(session, PERMISSION.BillingManage);
  // The product whose freed seat the cancellation form is open for.
  const [cancellingSeat, setCancellingSeat] = useState<number | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const keystrokeAt = useRef<number | null>(null);
  const firstPainted = useRef(false);
  const client = useQueryClient();
  const invalidate = useInvalidate();

  // Each keystroke searches at once, with no fixed delay (a search takes a millisecond);
  // while one is on its way, only the newest filters wait for it: `searched` follows
  // `filters` whenever no first page is being read.
  const [searched, setSearched] = useState<Filters>(filters);
  const query = useMemo(() => userSearch(searched), [searched]);
  // The last keystroke before the search under way, and that search's text: the
  // search-to-paint measure ends when that text's results are painted (an older search's
  // answer, painted meanwhile, does not end it).
  const typedAt = useRef<{ search: string; at: number } | null>(null);
  const list = useInfiniteQuery({
    queryKey: keys.users(query),
    queryFn: async ({ pageParam }) => {
      const limit = pageParam === null ? FIRST_PAGE : PAGE_SIZE;
      return backend.searchUsers({ ...query, after: pageParam, limit });
    },
    initialPageParam: null as UserCursor | null,
    getNextPageParam: (page) => page.next,
    // The old rows stay until the new search answers.
    placeholderData: keepPreviousData,
    enabled: !cannotView,
  });
  const searching = list.isFetching && !list.isFetchingNextPage;
  // Another search's rows, shown for the first time: back to the top, as the rows they
  // replace are. Not when the same search is read again (after a save in the editor): the
  // admin stays where they were in the list.
  const shownQuery = useRef(query);
  useLayoutEffect(() => {
    if (list.isPlaceholderData || list.data === undefined || shownQuery.current === query) return;
    shownQuery.current = query;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [list.data, list.isPlaceholderData, query]);
  // Before paint, so that a keystroke's search starts in the same frame as it did.
  useLayoutEffect(() => {
    if (!searching && filters !== searched) {
      const at = keystrokeAt.current;
      typedAt.current = at === null ? null : { search: filters.search, at };
      // eslint-disable-next-line react-hooks/set-state-in-effect -- the search follows the filters only once the one under way has answered, which the query's own state tells.
      setSearched(filters);
    }
  }, [searching, filters, searched]);
  // Counting every match costs more than the page: it comes after the rows.
  const count = useQuery({
    queryKey: keys.usersCount(query),
    queryFn: () => backend.countUsers({ ...query, after: null, limit: FIRST_PAGE }),
    enabled: !cannotView && list.data !== undefined && !list.isPlaceholderData,
    placeholderData: keepPreviousData,
  });
  useFailure(list.error ?? count.error, notify.failure);
  const total = count.data ?? null;
  const rows = useMemo(() => new LoadedRows(list.data?.pages ?? []), [list.data]);
  const next = list.hasNextPage;

  // A search's first page is rendered: the timing marks, once it is painted.
  const firstPage = list.isPlaceholderData ? undefined : list.data?.pages[0];
  useEffect(() => {
    if (!firstPage) return;
    if (!firstPainted.current && firstPage.users.length > 0) {
      firstPainted.current = true;
      markPainted("ld:users-painted");
    }
    const typed = typedAt.current;
    if (typed !== null && typed.search === query.search) {
      typedAt.current = null;
      if (keystrokeAt.current === typed.at) keystrokeAt.current = null;
      measureToPaint("ld:search", typed.at, { search: query.search });
    }
  }, [firstPage, query.search]);

  /** The user's row as saved now, without reading the list again. */
  const updateRow = useCallback(
    (user: UserRow) => client.setQueryData<Pages>(keys.users(query), (pages) => withUser(pages, user)),
    [client, query],
  );

  /** After work on many users: the list from its first page, the counts and the seats. */
  function reloadList() {
    client.setQueryData<Pages>(keys.users(query), (pages) =>
      pages && { pages: pages.pages.slice(0, 1), pageParams: pages.pageParams.slice(0, 1) },
    );
    // Only the first page is kept: the list starts again from its top.
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    void invalidate.users();
  }

  // Signed in again after "Switch account…": the same user's editor, on the same tab.
  const reopenEditor = useEffectEvent((again: ReopenEditor) => {
    onReopened?.();
    if (cannotView) return;
    backend
      .getUser(again.userId)
      .then((user) => setEditing({ user, tab: again.tab }))
      .catch((e: BackendError) => notify.failure(`${again.name} could not be opened again: ${e.message}`));
  });
  useEffect(() => {
    if (reopen) reopenEditor(reopen);
  }, [reopen]);

  const inventory = useInventory(!cannotView && !missingPermission(session, PERMISSION.LicensesView));
  useFailure(inventory.error, notify.failure);
  const products = inventory.data ?? [];

  useEffect(() => {
    searchRef.current?.focus();
    searchRef.current?.select();
  }, [searchRequest]);

  const { fetchNextPage, isFetchingNextPage } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const edit = useCallback((u: UserRow) => setEditing({ user: u }), []);
  // The order a shift-click selects a range in: the rows as loaded when it is clicked.
  const rowsNow = useRef(rows);
  useLayoutEffect(() => {
    rowsNow.current = rows;
  }, [rows]);
  const { toggle } = selection;
  const select = useCallback(
    (u: UserRow, shift: boolean) =>
      toggle(
        u.id,
        shift,
        rowsNow.current.ids(),
      ),
    [toggle],
  );

  /** The user `step` rows after (1) or before (-1) the one being edited, if any. */
  function neighbour(step: 1 | -1): UserRow | null {
    if (!editing) return null;
    const at = rows.indexOf(editing.user.id);
    return at < 0 ? null : (rows.at(at + step) ?? null);
  }
  const [nextUser, previousUser] = [neighbour(1), neighbour(-1)];

  if (cannotView) return <LockedPage title="Users" headingId="users-heading" reasonId="users-locked" missing={cannotView} />;

  function saved(user: UserDetail, message: string, freedSeat?: number) {
    updateRow(user);
    setEditing(null);
    notify.success(message, freedSeat === undefined ? undefined : cancelSeatOffer(freedSeat));
    void invalidate.seats();
  }

  /** A seat a removal left in the pool is still billed: offer its cancellation, or say who can. */
  function cancelSeatOffer(productId: number): FollowUp {
    if (billingLock) return { lockedId: "cancel-seat-locked", reason: billingLock.message };
    return { label: "Request cancellation of this seat", run: () => setCancellingSeat(productId) };
  }

  /** After work on many users: the list and the seat counts are read again. */
  function reload(message: string) {
    notify.success(message);
    reloadList();
  }

  /** Every user the search and filters match, however many: read from Rust page by page. */
  async function selectAllMatching() {
    try {
      const ids: number[] = [];
      let after: UserCursor | null = null;
      do {
        const page = await backend.searchUsers({
          search: filters.search,
          license: licenseFilter(filters.license),
          status: filters.status === "any" ? null : (filters.status as UserStatus),
          after,
          limit: ID_PAGE,
        });
        ids.push(...page.users.map((u) => u.id));
        after = page.next;
      } while (after);
      selection.set(ids);
    } catch (e) {
      notify.failure((e as BackendError).message);
    }
  }

  const filtering = filters.search.trim() !== "" || filters.license !== "any" || filters.status !== "any";

  return (
    <section aria-labelledby="users-heading" className="users-page">
      <div className="page-head">
        <h1 id="users-heading">Users</h1>
        {total !== null && (
          <p className="muted" aria-live="polite">
            {filtering
              ? `${total.toLocaleString("en-US")} of the organization's users match`
              : `${total.toLocaleString("en-US")} users`}
          </p>
        )}
        <div className="page-actions">
          <button
            type="button"
            className="primary"
            disabled={addLock !== null}
            aria-describedby={addLock ? "add-user-lock" : undefined}
            onClick={() => setAdding(true)}
          >
            Add user
          </button>
          <button
            type="button"
            disabled={addLock !== null}
            aria-describedby={addLock ? "add-user-lock" : undefined}
            onClick={() => setImporting(true)}
          >
            Import users
          </button>
          <button type="button" onClick={() => exportUsers.mutate()}>
            Export users
          </button>
          {addLock && <ReadOnlyReason id="add-user-lock" lock={addLock} />}
        </div>
      </div>
      <div className="toolbar">
        <input
          ref={searchRef}
          type="search"
          className="search"
          aria-label="Search users"
          placeholder="Search by name, email, extension or number"
          value={filters.search}
          onChange={(e) => {
            keystrokeAt.current = e.timeStamp || performance.now();
            setFilters({ ...filters, search: e.target.value });
          }}
        />
        <label className="inline-field">
          <span>License</span>
          <select
            aria-label="Filter by license"
            value={filters.license}
            onChange={(e) => setFilters({ ...filters, license: e.target.value })}
          >
            <option value="any">All licenses</option>
            <option value="unlicensed">No license</option>
            {products.map((p) => (
              <option key={p.product_id} value={String(p.product_id)}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select
            aria-label="Filter by status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.target.value })}
          >
            <option value="any">All statuses</option>
            <option value="active">Active</option>
            <option value="suspended">Suspended</option>
          </select>
        </label>
      </div>
      {selection.selected.size > 0 && (
        <div className="bulk-bar" role="region" aria-label="Selected users">
          <strong>{selection.selected.size.toLocaleString("en-US")} selected</strong>
          {total !== null && total > selection.selected.size && (
            <button type="button" className="link" onClick={() => void selectAllMatching()}>
              Select all {total.toLocaleString("en-US")} {filtering ? "matching" : "users"}
            </button>
          )}
          <button type="button" className="link" onClick={selection.clear}>
            Clear selection
          </button>
          <span className="spacer" />
          <button type="button" onClick={() => setBulk("assign")}>
            Assign license to selected
          </button>
          <button type="button" onClick={() => setBulk("change")}>
            Change license of selected
          </button>
          <button type="button" onClick={() => setBulk("remove")}>
            Remove license of selected
          </button>
        </div>
      )}
      <UsersTable
        rows={rows}
        total={total}
        scrollRef={scrollRef}
        selected={selection.selected}
        onEdit={edit}
        onSelect={select}
        hasMore={next}
        loadingMore={isFetchingNextPage}
        loadMore={loadMore}
      >
        {total === 0 && (
          <div className="empty">
            <p>{filtering ? "No users match your search and filters." : "This organization has no users yet."}</p>
            {filtering && (
              <button type="button" onClick={() => setFilters({ search: "", license: "any", status: "any" })}>
                Clear search and filters
              </button>
            )}
          </div>
        )}
      </UsersTable>
      {importing && (
        <ImportUsersDialog
          canCreateSites={missingPermission(session, PERMISSION.AdminsManage) === null}
          onClose={() => setImporting(false)}
          onImported={(message) => {
            setImporting(false);
            reload(message);
          }}
        />
      )}
      {bulk && (
        <BulkDialog
          initial={bulk}
          userIds={[...selection.selected]}
          products={products}
          onClose={() => setBulk(null)}
          onDone={(message) => {
            setBulk(null);
            selection.clear();
            reload(message);
          }}
        />
      )}
      {adding && (
        <AddUserForm
          onClose={() => setAdding(false)}
          onAdded={(user) => {
            setAdding(false);
            notify.success(`${fullName(user)} added. Choose a license in "Services and Permissions".`);
            reloadList();
            setEditing({ user, tab: "Services and Permissions" });
          }}
        />
      )}
      {cancellingSeat !== null && (
        <SeatChangeForm
          mode="cancel"
          products={products}
          initialProductId={cancellingSeat}
          onClose={() => setCancellingSeat(null)}
          onDone={(_, message) => {
            setCancellingSeat(null);
            notify.success(message);
          }}
        />
      )}
      {editing && (
        <UserEditor
          key={editing.user.id}
          userId={editing.user.id}
          name={fullName(editing.user)}
          initialTab={editing.tab}
          session={session}
          onClose={() => setEditing(null)}
          onSaved={saved}
          onChanged={updateRow}
          onNext={nextUser ? () => setEditing({ user: nextUser }) : undefined}
          onPrevious={previousUser ? () => setEditing({ user: previousUser }) : undefined}
          onSwitchAccount={
            onSwitchAccount &&
            ((tab) => onSwitchAccount({ userId: editing.user.id, name: fullName(editing.user), tab }))
          }
        />
      )}
    </section>
  );
}

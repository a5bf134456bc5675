// Finds elements the way a person (or a screen reader) does: by ARIA role and
// accessible name. WebKitWebDriver has no ARIA locator, so this runs in the
// page through Execute Script. Called as: op, ...args (see OPS at the end).
// A simplified take on the ARIA role and accname rules, enough for our UI.

const norm = (s) => (s || "").replace(/\s+/g, " ").trim();

function hidden(el) {
  if (el.closest("[hidden], [aria-hidden='true'], [inert]")) return true;
  if (el.tagName === "OPTION") return hidden(el.closest("select") || el.parentElement);
  if (el.checkVisibility) return !el.checkVisibility({ visibilityProperty: true });
  return el.getClientRects().length === 0;
}

const INPUT_ROLES = {
  text: "textbox", email: "textbox", tel: "textbox", url: "textbox",
  search: "searchbox", password: "password", checkbox: "checkbox",
  radio: "radio", number: "spinbutton", range: "slider",
  button: "button", submit: "button", reset: "button", image: "button",
};
const TAG_ROLES = {
  BUTTON: "button", TEXTAREA: "textbox", TABLE: "table", THEAD: "rowgroup",
  TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell", NAV: "navigation",
  MAIN: "main", FORM: "form", DIALOG: "dialog", UL: "list", OL: "list",
  LI: "listitem", H1: "heading", H2: "heading", H3: "heading", H4: "heading",
  H5: "heading", H6: "heading", OUTPUT: "status", OPTION: "option",
  ASIDE: "complementary", FIELDSET: "group", PROGRESS: "progressbar",
  DT: "term", DD: "definition",
};

function roleOf(el) {
  const explicit = norm(el.getAttribute("role")).split(" ")[0];
  if (explicit) return explicit;
  const tag = el.tagName;
  if (tag === "INPUT") {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    if (el.hasAttribute("list") && INPUT_ROLES[type] === "textbox") return "combobox";
    return INPUT_ROLES[type] || null;
  }
  if (tag === "A" || tag === "AREA") return el.hasAttribute("href") ? "link" : null;
  if (tag === "SELECT") return el.multiple || el.size > 1 ? "listbox" : "combobox";
  if (tag === "TH") return el.closest("thead") || el.getAttribute("scope") === "col" ? "columnheader" : "rowheader";
  if (tag === "IMG") return el.getAttribute("alt") === "" ? "presentation" : "img";
  if (tag === "SECTION") return el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby") ? "region" : null;
  if (tag === "HEADER") return el.closest("article, aside, main, nav, section") ? null : "banner";
  if (tag === "FOOTER") return el.closest("article, aside, main, nav, section") ? null : "contentinfo";
  return TAG_ROLES[tag] || null;
}

// Roles whose name comes from their content when nothing else names them.
const NAME_FROM_CONTENT = new Set([
  "button", "link", "tab", "option", "menuitem", "menuitemcheckbox", "menuitemradio",
  "heading", "cell", "columnheader", "rowheader", "gridcell", "checkbox", "radio",
  "switch", "treeitem", "row", "tooltip", "status", "alert",
]);
const CONTROLS = new Set(["INPUT", "SELECT", "TEXTAREA", "BUTTON"]);

// Text a person sees in a subtree; aria-label and alt stand in for content.
function textOf(node, skipControls) {
  if (node.nodeType === Node.TEXT_NODE) return node.data;
  if (node.nodeType !== Node.ELEMENT_NODE) return "";
  if (node.getAttribute("aria-hidden") === "true" || node.hidden) return "";
  if (skipControls && CONTROLS.has(node.tagName)) return "";
  const label = node.getAttribute("aria-label");
  if (label && norm(label)) return " " + label + " ";
  if (node.tagName === "IMG") return node.getAttribute("alt") || "";
  const style = getComputedStyle(node);
  if (style.display === "none") return "";
  let text = "";
  for (const child of node.childNodes) text += textOf(child, skipControls);
  return style.display.startsWith("inline") ? text : " " + text + " ";
}

const byIds = (ids) => norm(ids.split(/\s+/).map((id) => {
  const el = id && document.getElementById(id);
  return el ? textOf(el, false) : "";
}).join(" "));

function nameOf(el) {
  const labelledBy = el.getAttribute("aria-labelledby");
  if (labelledBy && byIds(labelledBy)) return byIds(labelledBy);
  const label = norm(el.getAttribute("aria-label"));
  if (label) return label;
  if (el.labels && el.labels.length) {
    const text = norm([...el.labels].map((l) => textOf(l, true)).join(" "));
    if (text) return text;
  }
  if (el.tagName === "INPUT" && ["button", "submit", "reset"].includes(el.type)) return norm(el.value);
  if (el.tagName === "IMG") return norm(el.getAttribute("alt"));
  if (el.tagName === "FIELDSET" && el.querySelector("legend")) return norm(textOf(el.querySelector("legend")));
  if (el.tagName === "TABLE" && el.caption) return norm(textOf(el.caption));
  if (NAME_FROM_CONTENT.has(roleOf(el))) {
    const text = norm(textOf(el, false));
    if (text) return text;
  }
  return norm(el.getAttribute("title") || el.getAttribute("placeholder"));
}

function all(role, name, root) {
  return [...(root || document).querySelectorAll("*")].filter((el) =>
    roleOf(el) === role && !hidden(el) && (name === null || nameOf(el) === name));
}

const disabled = (el) => el.disabled === true || !!el.closest("fieldset:disabled") ||
  !!el.closest("[aria-disabled='true']");

// Headers, then body rows with their cells' text and their buttons' names.
function readTable(table) {
  const rows = [...table.querySelectorAll("tr, [role='row']")]
    .filter((r) => r.closest("table, [role='table'], [role='grid'], [role='treegrid']") === table);
  const cellsOf = (r) => [...r.children].filter((c) =>
    ["cell", "gridcell", "columnheader", "rowheader"].includes(roleOf(c)));
  const head = rows.find((r) => cellsOf(r).length && cellsOf(r).every((c) => roleOf(c) === "columnheader"));
  const headers = head ? cellsOf(head).map((c) => norm(textOf(c, false))) : [];
  const body = rows.filter((r) => r !== head && !r.closest("thead, tfoot") && !hidden(r));
  return {
    headers,
    rows: body.map((r) => ({
      cells: cellsOf(r).map((c) => norm(textOf(c, false))),
      buttons: all("button", null, r).map(nameOf),
    })),
  };
}

function tableWith(columns) {
  for (const t of [...all("table", null), ...all("grid", null)]) {
    const read = readTable(t);
    if (columns.every((c) => read.headers.includes(c))) return read;
  }
  return null;
}

function optionByText(select, text) {
  return [...select.options].find((o) => norm(o.textContent) === text) || null;
}

// React tracks a control's value: set it through the native setter, then tell React.
function setSelectByText(select, text) {
  const option = optionByText(select, text);
  if (!option) return false;
  const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set;
  setter.call(select, option.value);
  select.dispatchEvent(new Event("input", { bubbles: true }));
  select.dispatchEvent(new Event("change", { bubbles: true }));
  return true;
}

// The nearest box around `el` that scrolls (the Users list's).
function scrollBox(el) {
  for (let n = el; n; n = n.parentElement) {
    const overflow = getComputedStyle(n).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && n.scrollHeight > n.clientHeight) return n;
  }
  return document.scrollingElement;
}

const OPS = {
  find: (role, name, root) => all(role, name, root),
  texts: (role, root) => all(role, null, root).map((el) => norm(textOf(el, false))),
  table: (columns) => tableWith(columns),
  name: (el) => nameOf(el),
  disabled: (el) => disabled(el),
  description: (el) => byIds(el.getAttribute("aria-describedby") || ""),
  value: (el) => el.value,
  selectedText: (el) => norm(el.selectedOptions[0] ? el.selectedOptions[0].textContent : ""),
  options: (el) => [...el.options].map((o) => norm(o.textContent)),
  option: (el, text) => optionByText(el, text),
  setSelect: (el, text) => setSelectByText(el, text),
  pageText: () => norm(document.body ? document.body.innerText : ""),
  scrollTop: (el) => scrollBox(el).scrollTop,
  // As a person's wheel does: the box scrolls, and fires its scroll event.
  scrollTo: (el, top) => {
    const box = scrollBox(el);
    box.scrollTop = top;
    return box.scrollTop;
  },
  ready: () => document.readyState,
  // A control at the edge of a scrolling dialog body can sit under its footer: centre it.
  reveal: (el) => el.scrollIntoView({ block: "center", inline: "nearest" }),
  // The focused element's role and name, and whether it shows a focus ring.
  focused: () => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const ring = el.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return { role: roleOf(el), name: nameOf(el), ring };
  },
};

const [op, ...args] = arguments;
return OPS[op](...args);

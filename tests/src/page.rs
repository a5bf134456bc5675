//! Reading and operating the page as a person would: by role and accessible
//! name, waiting for things to appear, typing with the keyboard.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use fantoccini::elements::{Element, ElementRef};
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use serde_json::{json, Value};
use tokio::time::{sleep, timeout, Instant};

use crate::{App, TIMEOUT};

const ROLES_JS: &str = include_str!("roles.js");
/// One WebDriver call; far longer than any should take.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(150);
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A table as shown: its column headers and its body rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// A body row: each cell's text by column header, and the names of its buttons.
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: HashMap<String, String>,
    pub buttons: Vec<String>,
}

impl Row {
    /// The text of the cell in `column`.
    pub fn cell(&self, column: &str) -> &str {
        self.cells
            .get(column)
            .unwrap_or_else(|| panic!("no column {column:?} in row {self:?}"))
    }

    /// Whether any cell or button name contains `text`, ignoring case and
    /// accents (a search for "García" may well find "Garcia").
    pub fn mentions(&self, text: &str) -> bool {
        let text = fold(text);
        self.cells
            .values()
            .chain(&self.buttons)
            .any(|s| fold(s).contains(&text))
    }
}

/// Lower case without the accents of Latin letters.
fn fold(s: &str) -> String {
    const ACCENTED: &str = "àáâãäåāçćčèéêëēěìíîïīñńňòóôõöøōřśšùúûüūůýÿźžżł";
    const PLAIN: &str = "aaaaaaaccceeeeeeiiiiinnnooooooorssuuuuuuyyzzzl";
    s.to_lowercase()
        .chars()
        .map(|c| match ACCENTED.chars().position(|a| a == c) {
            Some(i) => PLAIN.chars().nth(i).unwrap_or(c),
            None => c,
        })
        .collect()
}

impl Table {
    /// The first row whose `column` reads exactly `value`.
    pub fn row_where(&self, column: &str, value: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.cell(column) == value)
    }

    /// The row with a button named `button`, e.g. "Edit Olivia Johnson".
    pub fn row_with_button(&self, button: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.buttons.iter().any(|b| b == button))
    }

    fn from_json(v: &Value) -> Table {
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        };
        let headers = strings(&v["headers"]);
        let rows = v["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| Row {
                cells: headers.iter().cloned().zip(strings(&r["cells"])).collect(),
                buttons: strings(&r["buttons"]),
            })
            .collect();
        Table { headers, rows }
    }
}

/// Errors worth a second try: the request or its answer got lost on the way
/// (tauri-driver drops about one request in a few thousand).
fn transient(e: &CmdError) -> bool {
    matches!(
        e,
        CmdError::Failed(_) | CmdError::FailedC(_) | CmdError::Lost(_) | CmdError::NotJson(_)
    )
}

fn arg(el: &Element) -> Value {
    serde_json::to_value(el).expect("an element serializes")
}

impl App {
    /// Runs a WebDriver call, retrying transport failures.
    async fn try_call<T, F, Fut>(&self, what: &str, mut call: F) -> Result<T, CmdError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, CmdError>>,
    {
        let mut attempt = 1;
        loop {
            match timeout(CALL_TIMEOUT, call()).await {
                Ok(Err(e)) if attempt < 3 && transient(&e) => {
                    eprintln!("e2e: {what} failed ({e}); retrying");
                    attempt += 1;
                    sleep(Duration::from_millis(300)).await;
                }
                Ok(result) => return result,
                Err(_) => panic!("WebDriver {what}: no answer within {CALL_TIMEOUT:?}"),
            }
        }
    }

    async fn call<T, F, Fut>(&self, what: &str, call: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, CmdError>>,
    {
        self.try_call(what, call)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {what} failed: {e}"))
    }

    /// Runs one operation of roles.js in the page.
    pub(crate) async fn try_js(&self, op: &str, args: Vec<Value>) -> Result<Value, CmdError> {
        let mut all = vec![json!(op)];
        all.extend(args);
        self.try_call(op, || self.client().execute(ROLES_JS, all.clone()))
            .await
    }

    async fn js(&self, op: &str, args: Vec<Value>) -> Value {
        self.try_js(op, args)
            .await
            .unwrap_or_else(|e| panic!("script {op} failed: {e}"))
    }

    fn elements(&self, v: Value) -> Vec<Element> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.get(ELEMENT_KEY)?.as_str())
            .map(|id| {
                Element::from_element_id(self.client().clone(), ElementRef::from(id.to_string()))
            })
            .collect()
    }

    async fn find_now(
        &self,
        role: &str,
        name: Option<&str>,
        scope: Option<&Element>,
    ) -> Vec<Element> {
        let args = vec![
            json!(role),
            json!(name),
            scope.map(arg).unwrap_or(Value::Null),
        ];
        // A scope that re-rendered away is simply "not found yet".
        match self.try_js("find", args).await {
            Ok(found) => self.elements(found),
            Err(_) => vec![],
        }
    }

    async fn wait_for(
        &self,
        role: &str,
        name: Option<&str>,
        scope: Option<&Element>,
        within: Duration,
    ) -> Element {
        let deadline = Instant::now() + within;
        loop {
            if let Some(el) = self.find_now(role, name, scope).await.into_iter().next() {
                return el;
            }
            if Instant::now() > deadline {
                let seen = self.names_of_role(role).await;
                panic!(
                    "no visible {role} named {name:?} after {within:?}; visible {role}s: {seen:?}"
                );
            }
            sleep(POLL).await;
        }
    }

    /// The visible element with `role` and accessible name `name` (exact),
    /// waiting up to [`TIMEOUT`] for it to appear.
    pub async fn find_by_role(&self, role: &str, name: &str) -> Element {
        self.wait_for(role, Some(name), None, TIMEOUT).await
    }

    /// Like [`App::find_by_role`], waiting up to `within`.
    pub async fn find_by_role_within(&self, role: &str, name: &str, within: Duration) -> Element {
        self.wait_for(role, Some(name), None, within).await
    }

    /// Like [`App::find_by_role`], inside `scope` (e.g. a dialog).
    pub async fn find_by_role_in(&self, scope: &Element, role: &str, name: &str) -> Element {
        self.wait_for(role, Some(name), Some(scope), TIMEOUT).await
    }

    /// The first visible element with `role`, whatever its name.
    pub async fn find_any_by_role(&self, role: &str) -> Element {
        self.wait_for(role, None, None, TIMEOUT).await
    }

    /// Without waiting: the visible element with `role` and `name`, if any.
    pub async fn try_find_by_role(&self, role: &str, name: &str) -> Option<Element> {
        self.find_now(role, Some(name), None)
            .await
            .into_iter()
            .next()
    }

    /// Waits until no visible element has `role` and `name`.
    pub async fn wait_until_gone(&self, role: &str, name: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while self.try_find_by_role(role, name).await.is_some() {
            assert!(
                Instant::now() < deadline,
                "{role} {name:?} still shown after {TIMEOUT:?}"
            );
            sleep(POLL).await;
        }
    }

    /// Accessible names of the visible elements with `role`.
    pub async fn names_of_role(&self, role: &str) -> Vec<String> {
        let mut names = vec![];
        for el in self.find_now(role, None, None).await {
            names.push(self.accessible_name(&el).await);
        }
        names
    }

    /// Text content of the visible elements with `role` (e.g. "status", "alert").
    pub async fn texts_of_role(&self, role: &str) -> Vec<String> {
        let texts = self.js("texts", vec![json!(role), Value::Null]).await;
        serde_json::from_value(texts).unwrap_or_default()
    }

    /// Waits until an element with `role` ("status" or "alert") has text
    /// containing `text`, and returns that whole text.
    pub async fn wait_for_message(&self, role: &str, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let texts = self.texts_of_role(role).await;
            if let Some(found) = texts.iter().find(|t| t.contains(text)) {
                return found.clone();
            }
            if Instant::now() > deadline {
                panic!("no {role} containing {text:?} after {TIMEOUT:?}; {role} texts: {texts:?}");
            }
            sleep(POLL).await;
        }
    }

    /// All the page's visible text, whitespace collapsed.
    pub async fn page_text(&self) -> String {
        self.js("pageText", vec![])
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the page shows `text` somewhere.
    pub async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let page = self.page_text().await;
            if page.contains(text) {
                return;
            }
            if Instant::now() > deadline {
                panic!("page does not show {text:?} after {TIMEOUT:?}; it shows: {page}");
            }
            sleep(POLL).await;
        }
    }

    /// The first visible table that has all of `columns`, once it has rows
    /// for which `ready` holds.
    pub async fn wait_for_table(&self, columns: &[&str], ready: impl Fn(&Table) -> bool) -> Table {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.try_js("table", vec![json!(columns)]).await;
            let table = found
                .ok()
                .filter(|v| !v.is_null())
                .map(|v| Table::from_json(&v));
            if let Some(table) = table.as_ref().filter(|t| ready(t)) {
                return table.clone();
            }
            if Instant::now() > deadline {
                panic!("no table with columns {columns:?} as expected after {TIMEOUT:?}; last seen: {table:#?}");
            }
            sleep(POLL).await;
        }
    }

    /// The first visible table that has all of `columns` and at least one row.
    pub async fn table(&self, columns: &[&str]) -> Table {
        self.wait_for_table(columns, |t| !t.rows.is_empty()).await
    }

    pub async fn accessible_name(&self, el: &Element) -> String {
        let name = self.try_js("name", vec![arg(el)]).await;
        name.ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    /// Disabled by attribute, by a disabled fieldset, or by aria-disabled.
    pub async fn is_disabled(&self, el: &Element) -> bool {
        self.js("disabled", vec![arg(el)]).await == json!(true)
    }

    /// The text of the elements that describe `el` (aria-describedby).
    pub async fn description(&self, el: &Element) -> String {
        let text = self.js("description", vec![arg(el)]).await;
        text.as_str().unwrap_or_default().to_string()
    }

    /// The current value of an input, textarea or select.
    pub async fn value(&self, el: &Element) -> String {
        let value = self.js("value", vec![arg(el)]).await;
        value.as_str().unwrap_or_default().to_string()
    }

    /// How far the box that scrolls around `el` is scrolled, in pixels.
    pub async fn scroll_top(&self, el: &Element) -> f64 {
        let top = self.js("scrollTop", vec![arg(el)]).await;
        top.as_f64().expect("a scroll position")
    }

    /// Scrolls the box around `el` to `top` pixels (clamped to its end); answers where it is.
    pub async fn scroll_to(&self, el: &Element, top: f64) -> f64 {
        let top = self.js("scrollTo", vec![arg(el), json!(top)]).await;
        top.as_f64().expect("a scroll position")
    }

    /// Clicks `el` once it is enabled.
    pub async fn click(&self, el: &Element) {
        let deadline = Instant::now() + TIMEOUT;
        while self.is_disabled(el).await {
            let name = self.accessible_name(el).await;
            assert!(Instant::now() < deadline, "{name:?} stays disabled");
            sleep(POLL).await;
        }
        self.js("reveal", vec![arg(el)]).await;
        self.call("click", || el.click()).await;
    }

    /// Finds the element with `role` and `name` and clicks it.
    pub async fn click_role(&self, role: &str, name: &str) {
        let el = self.find_by_role(role, name).await;
        self.click(&el).await;
    }

    /// Replaces the text of `el` by typing, as a person does. (WebDriver's
    /// Element Clear fires no input event, so React would keep the old value.)
    pub async fn type_into(&self, el: &Element, text: &str) {
        for _ in 0..2 {
            self.click(el).await;
            self.send_keys(el, &(Key::Control + "a")).await;
            self.send_keys(el, &Key::Backspace.to_string()).await;
            if !text.is_empty() {
                self.send_keys(el, text).await;
            }
            if self.value(el).await == text {
                return;
            }
        }
        let now = self.value(el).await;
        panic!("typed {text:?} but the field holds {now:?}");
    }

    /// Presses Enter in `el` (Send Keys drops "\n").
    pub async fn press_enter(&self, el: &Element) {
        self.send_keys(el, &Key::Enter.to_string()).await;
    }

    /// Sends keys to `el` (see [`Key`] for special keys).
    pub async fn send_keys(&self, el: &Element, keys: &str) {
        self.call("send keys", || el.send_keys(keys)).await;
    }

    /// The option texts of a native <select>.
    pub async fn options(&self, select: &Element) -> Vec<String> {
        serde_json::from_value(self.js("options", vec![arg(select)]).await).unwrap_or_default()
    }

    /// The text of the selected option of a native <select>.
    pub async fn selected_option(&self, select: &Element) -> String {
        let text = self.js("selectedText", vec![arg(select)]).await;
        text.as_str().unwrap_or_default().to_string()
    }

    /// Chooses the option reading exactly `text` in a native <select>,
    /// waiting for it to be offered. Clicks the option through WebDriver;
    /// if WebKit left the selection unchanged, sets it the way React expects.
    pub async fn select_option(&self, select: &Element, text: &str) {
        let deadline = Instant::now() + TIMEOUT;
        let option = loop {
            let found = self.js("option", vec![arg(select), json!(text)]).await;
            if let Some(option) = self.elements(json!([found])).pop() {
                break option;
            }
            if Instant::now() > deadline {
                let offered = self.options(select).await;
                panic!("no option {text:?} after {TIMEOUT:?}; offered: {offered:?}");
            }
            sleep(POLL).await;
        };
        let name = self.accessible_name(select).await;
        assert!(
            !self.is_disabled(select).await,
            "combobox {name:?} is disabled"
        );
        self.call("click option", || option.click()).await;
        if self.selected_option(select).await != text {
            eprintln!("e2e: clicking option {text:?} did not select it; setting it by script");
            self.js("setSelect", vec![arg(select), json!(text)]).await;
        }
        let selected = self.selected_option(select).await;
        assert_eq!(selected, text, "combobox {name:?} shows another option");
    }

    /// Saves a screenshot of the window as PNG, for debugging.
    pub async fn screenshot(&self, path: impl AsRef<std::path::Path>) {
        let png = self.call("screenshot", || self.client().screenshot()).await;
        std::fs::write(path.as_ref(), png).expect("write screenshot");
    }

    /// Saves `<name>.png` into the folder LICENSEDESK_SCREENSHOTS names, if it names one: how a
    /// developer looks at the screens a test walks through.
    pub async fn screenshot_if_asked(&self, name: &str) {
        if let Some(dir) = std::env::var_os("LICENSEDESK_SCREENSHOTS") {
            // WebKit's snapshot can lag a frame behind the DOM.
            sleep(Duration::from_millis(700)).await;
            self.screenshot(std::path::Path::new(&dir).join(format!("{name}.png")))
                .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_mention_text_ignoring_case_and_accents() {
        let row = Row {
            cells: [("Name".to_string(), "Anaïs García Sales".to_string())].into(),
            buttons: vec!["Edit Anaïs García".into()],
        };
        assert!(row.mentions("garcia") && row.mentions("García") && row.mentions("ANAIS"));
        assert!(!row.mentions("Chen"));
    }
}

//! The UI module's components in headless Chromium (wasm-bindgen-test through
//! `webdriver.json`): the widget mounted into a `<div>` as the element mounts it, with a host
//! object that plays the element and the engine (its `importFiles` answers with a book packed
//! here by `picker::BookBuilder`, as the engine packs one).
//!
//! What is checked is what a visitor and a screen reader get: the markup, its ARIA, the
//! strings, and the events the host receives.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Yew render and effects run.
async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(30)).await;
}

/// Waits (at most three seconds) until `ready` holds: an import is answered in later tasks.
async fn until(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..300 {
        if ready() {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(10)).await;
    }
    panic!("waited three seconds for {what}");
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh mount point in the page.
fn root() -> Element {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

fn book_bytes() -> Vec<u8> {
    let mut builder = picker::BookBuilder::new();
    let people: [(&str, &[&str], Option<&str>); 4] = [
        ("Zoë Martin", &["zoe@example.org"], None),
        (
            "Aurélie Durand",
            &["aurelie@example.fr", "a.durand@work.example"],
            Some("Société Générale"),
        ),
        ("Hans Müller", &["hans@example.de"], None),
        ("<b>Bold</b> Name", &["bold@example.org"], None),
    ];
    for (name, emails, organization) in people {
        builder.push(
            &picker::Entry {
                name: name.into(),
                emails: emails.iter().map(|e| e.to_string()).collect(),
                organization: organization.map(str::to_string),
                ..picker::Entry::default()
            },
            &[],
        );
    }
    builder.finish(None)
}

/// The host object: records every event it is asked to emit (`host.events`, an array of
/// `[name, detail]`), and answers an import with the book above.
fn host() -> Object {
    let host = Object::new();
    let events = Array::new();
    Reflect::set(&host, &"events".into(), &events).unwrap();
    let emit = Function::new_with_args("name, detail", "this.events.push([name, detail]);");
    Reflect::set(&host, &"emit".into(), &emit).unwrap();
    Reflect::set(
        &host,
        &"allows".into(),
        &Function::new_with_args("hook", "return true;"),
    )
    .unwrap();
    Reflect::set(
        &host,
        &"book".into(),
        &Uint8Array::from(book_bytes().as_slice()),
    )
    .unwrap();
    let import = Function::new_with_args(
        "files, onEvent",
        "this.files = files; const book = this.book; \
         onEvent({type: 'progress', bytes: 10, totalBytes: 100, records: 2, problems: 0, file: 'a.csv', fileIndex: 0, fileCount: 1}); \
         setTimeout(() => onEvent({type: 'done', book, count: 4, summary: {total: 3, kinds: [{code: 'malformed_record', count: 2}, {code: 'invalid_email', count: 1}]}}), 5); \
         return {cancel() {}};",
    );
    Reflect::set(&host, &"importFiles".into(), &import).unwrap();
    let submit = Function::new_with_args(
        "source, entries, chosen, answer",
        "this.submitted = {source, entries: Array.from(entries), chosen: Array.from(chosen)}; setTimeout(() => answer(true), 0);",
    );
    Reflect::set(&host, &"submit".into(), &submit).unwrap();
    let problems = Function::new_with_args(
        "start, count, answer",
        "setTimeout(() => answer([{source: 'a.csv', line: 7, code: 'malformed_record', message: 'malformed record: no name'}, \
         {source: 'a.csv', line: 9, code: 'invalid_phone', message: 'phone number \"+31 00\" kept as given: malformed number'}, \
         {source: 'a.csv', line: 11, code: 'something_new', message: 'a kind the UI does not know'}]), 0);",
    );
    Reflect::set(&host, &"problems".into(), &problems).unwrap();
    for name in ["rememberFocus", "restoreFocus"] {
        Reflect::set(&host, &name.into(), &Function::new_no_args("")).unwrap();
    }
    host
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn events(host: &Object) -> Vec<(String, JsValue)> {
    Array::from(&Reflect::get(host, &"events".into()).unwrap())
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            (pair.get(0).as_string().unwrap(), pair.get(1))
        })
        .collect()
}

fn query(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.get(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

fn text(root: &Element, selector: &str) -> String {
    query(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    query(root, selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn key(target: &Element, key: &str, shift: bool, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

/// Chooses a file in the file screen as a visitor would (the input's `change`).
fn choose_a_file(root: &Element) {
    let input: HtmlInputElement = query(root, "input[type=file]").unwrap().dyn_into().unwrap();
    let transfer = web_sys::DataTransfer::new().unwrap();
    let parts = Array::of1(&"Name,E-mail\nZoë,zoe@example.org\n".into());
    let file = web_sys::File::new_with_str_sequence(&parts, "a.csv").unwrap();
    transfer.items().add_with_file(&file).unwrap();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Mounts an inline widget and imports the book through the file screen.
async fn picker_with_book(extra: &[(&str, JsValue)]) -> (Element, Object, contact_picker::Widget) {
    let root = root();
    let host = host();
    let mut pairs = vec![("sources", JsValue::from("file")), ("locale", "en".into())];
    pairs.extend(extra.iter().cloned());
    let widget = contact_picker::mount(root.clone(), host.clone().into(), options(&pairs));
    settle().await;
    widget.launch(Some("file".into()));
    settle().await;
    choose_a_file(&root);
    until("the list", || query(&root, "[role=listbox]").is_some()).await;
    settle().await;
    (root, host, widget)
}

#[wasm_bindgen_test]
async fn the_menu_lists_the_configured_sources_and_hides_the_device_where_unsupported() {
    let root = root();
    let host = host();
    let _widget = contact_picker::mount(
        root.clone(),
        host.into(),
        options(&[
            ("sources", "file device gmail".into()),
            ("locale", "en".into()),
        ]),
    );
    settle().await;
    let sources: Vec<String> = all(&root, "button.source")
        .iter()
        .map(|b| b.get_attribute("data-source").unwrap())
        .collect();
    assert_eq!(sources, ["file", "gmail"]);
    assert_eq!(text(&root, "#cp-title"), "Import your contacts");
    assert!(text(&root, "button.source[data-source=gmail]").contains("Gmail"));
    // An inline widget does not take focus when the page loads.
    assert_ne!(document().active_element(), query(&root, "button.source"));
}

#[wasm_bindgen_test]
async fn an_imported_book_is_a_multiselect_listbox_with_counts_and_problems() {
    let (root, host, _widget) = picker_with_book(&[]).await;
    let listbox = query(&root, "[role=listbox]").expect("the list");
    assert_eq!(
        listbox.get_attribute("aria-multiselectable").as_deref(),
        Some("true")
    );
    let options = all(&root, "[role=option]");
    assert_eq!(options.len(), 4);
    // Sorted by name (folded; punctuation before letters, as a collator puts it).
    let names: Vec<String> = all(&root, ".option__name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "<b>Bold</b> Name",
            "Aurélie Durand",
            "Hans Müller",
            "Zoë Martin"
        ]
    );
    // Text, never markup: the name with tags has no element inside.
    assert!(query(&root, ".option__name b").is_none());
    for (position, option) in options.iter().enumerate() {
        assert_eq!(
            option.get_attribute("aria-checked").as_deref(),
            Some("false")
        );
        assert_eq!(option.get_attribute("aria-setsize").as_deref(), Some("4"));
        assert_eq!(
            option.get_attribute("aria-posinset"),
            Some((position + 1).to_string())
        );
    }
    assert_eq!(text(&root, "[part=count]"), "0 selected");
    assert!(text(&root, "[part=problems]")
        .contains("2 records skipped · 1 value corrected or left out"));
    let names: Vec<String> = events(&host).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        ["open", "import-start", "import-progress", "import-done"]
    );
    // Focus went to the search box once the contacts were there.
    assert_eq!(document().active_element(), query(&root, "#cp-search"));
}

#[wasm_bindgen_test]
async fn clicks_and_keys_select_and_the_host_receives_the_selection_in_name_order() {
    let (root, host, _widget) = picker_with_book(&[]).await;
    click(&root, "#cp-opt-2"); // Hans Müller
    settle().await;
    assert_eq!(
        query(&root, "#cp-opt-2")
            .unwrap()
            .get_attribute("aria-checked")
            .as_deref(),
        Some("true")
    );
    assert_eq!(text(&root, "[part=count]"), "1 selected");
    let listbox = query(&root, "[role=listbox]").unwrap();
    // The clicked option is the focused one; Up moves to Aurélie, Space selects her.
    key(&listbox, "ArrowUp", false, false);
    settle().await;
    assert_eq!(
        listbox.get_attribute("aria-activedescendant").as_deref(),
        Some("cp-opt-1")
    );
    key(&listbox, " ", false, false);
    settle().await;
    assert_eq!(text(&root, "[part=count]"), "2 selected");
    // Ctrl+A selects everything shown; again, nothing.
    key(&listbox, "a", false, true);
    settle().await;
    assert_eq!(text(&root, "[part=count]"), "4 selected");
    key(&listbox, "a", false, true);
    settle().await;
    assert_eq!(text(&root, "[part=count]"), "0 selected");
    // Aurélie has two e-mails: the details below the list choose the second.
    click(&root, "#cp-opt-1");
    settle().await;
    let radios = all(&root, "[part=details] input[name=cp-email]");
    assert_eq!(radios.len(), 2);
    radios[1].clone().dyn_into::<HtmlElement>().unwrap().click();
    settle().await;
    assert!(text(&root, "#cp-opt-1 .option__meta").starts_with("a.durand@work.example"));
    click(&root, "#cp-opt-0");
    settle().await;
    assert_eq!(text(&root, "[part=submit]"), "Add 2 contacts");
    click(&root, "[part=submit]");
    settle().await;
    let submitted = Reflect::get(&host, &"submitted".into()).unwrap();
    let entries: Vec<u32> = Array::from(&Reflect::get(&submitted, &"entries".into()).unwrap())
        .iter()
        .map(|v| v.as_f64().unwrap() as u32)
        .collect();
    let chosen: Vec<u32> = Array::from(&Reflect::get(&submitted, &"chosen".into()).unwrap())
        .iter()
        .map(|v| v.as_f64().unwrap() as u32)
        .collect();
    assert_eq!(entries, [1, 0], "Aurélie then Zoë, in name order");
    assert_eq!(chosen, [1, 0]);
    let selects: Vec<f64> = events(&host)
        .into_iter()
        .filter(|(name, _)| name == "select")
        .map(|(_, detail)| {
            Reflect::get(&detail, &"count".into())
                .unwrap()
                .as_f64()
                .unwrap()
        })
        .collect();
    assert_eq!(selects, [1.0, 2.0, 4.0, 0.0, 1.0, 2.0]);
    assert!(text(&root, ".message").contains("2 contacts added."));
}

#[wasm_bindgen_test]
async fn search_folds_accents_and_keeps_the_selection() {
    let (root, _host, _widget) = picker_with_book(&[]).await;
    click(&root, "#cp-opt-0"); // Zoë
    settle().await;
    let search: HtmlInputElement = query(&root, "#cp-search").unwrap().dyn_into().unwrap();
    for (typed, expected) in [
        ("aurelie", vec!["cp-opt-1"]),
        ("muller", vec!["cp-opt-2"]),
        ("SOCIETE", vec!["cp-opt-1"]),
    ] {
        search.set_value(typed);
        search
            .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
            .unwrap();
        settle().await;
        let shown: Vec<String> = all(&root, "[role=option]").iter().map(|o| o.id()).collect();
        assert_eq!(shown, expected, "{typed}");
    }
    search.set_value("nobody");
    search
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(text(&root, ".empty"), "No contact matches “nobody”.");
    assert!(query(&root, "[role=listbox]")
        .unwrap()
        .has_attribute("hidden"));
    search.set_value("");
    search
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(
        query(&root, "#cp-opt-0")
            .unwrap()
            .get_attribute("aria-checked")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn a_selection_limit_says_so_and_holds() {
    let (root, _host, _widget) = picker_with_book(&[("selectionLimit", 2.into())]).await;
    click(&root, "[part=select-all]");
    settle().await;
    assert_eq!(text(&root, "[part=count]"), "2 selected");
    assert_eq!(
        text(&root, "[part=notice]"),
        "You can select up to 2 contacts."
    );
    // Select all took the first two shown (Bold, Aurélie); Zoë cannot be added.
    assert_eq!(
        query(&root, "#cp-opt-3")
            .unwrap()
            .get_attribute("aria-checked")
            .as_deref(),
        Some("true")
    );
    click(&root, "#cp-opt-0");
    settle().await;
    assert_eq!(text(&root, "[part=count]"), "2 selected");
}

#[wasm_bindgen_test]
async fn the_french_interface_counts_in_french() {
    // The element passes French as strings (it loads `locales/fr.js`); so does this test.
    let french = js_sys::JSON::parse(include_str!("../www/locales/fr.json")).unwrap();
    let (root, _host, _widget) =
        picker_with_book(&[("locale", "fr-FR".into()), ("strings", french)]).await;
    assert_eq!(text(&root, "#cp-title"), "Choisir des contacts");
    assert_eq!(
        text(&root, "label[for=cp-search]"),
        "Rechercher des contacts"
    );
    click(&root, "[part=select-all]");
    settle().await;
    assert_eq!(text(&root, "[part=count]"), "4 sélectionnés");
    assert_eq!(text(&root, "[part=submit]"), "Ajouter 4 contacts");
}

#[wasm_bindgen_test]
async fn modal_mode_is_a_labelled_dialog_that_escape_closes() {
    let root = root();
    let host = host();
    let widget = contact_picker::mount(
        root.clone(),
        host.clone().into(),
        options(&[
            ("sources", "file".into()),
            ("mode", "modal".into()),
            ("locale", "en".into()),
        ]),
    );
    settle().await;
    assert!(
        query(&root, "[role=dialog]").is_none(),
        "closed until opened"
    );
    widget.open();
    settle().await;
    let dialog = query(&root, "[role=dialog]").expect("open");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("cp-title")
    );
    assert_eq!(
        text(&root, ".close").len(),
        0,
        "the close button is an icon"
    );
    assert_eq!(
        query(&root, ".close")
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("Close")
    );
    // Focus moved in.
    let active = document().active_element().unwrap();
    assert!(dialog.contains(Some(&active)));
    key(&active, "Escape", false, false);
    settle().await;
    assert!(query(&root, "[role=dialog]").is_none());
    let names: Vec<String> = events(&host).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["open", "close"]);
}

#[wasm_bindgen_test]
async fn problems_show_their_lines_on_demand() {
    let (root, _host, _widget) = picker_with_book(&[]).await;
    let button = query(&root, "[part=problems] button").unwrap();
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    click(&root, "[part=problems] button");
    settle().await;
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let lines: Vec<String> = all(&root, "#cp-problems li")
        .iter()
        .map(|l| l.text_content().unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            "a.csv, line 7: this record could not be read and was skipped",
            "a.csv, line 9: the phone number “+31 00” was kept as written",
            "a.csv, line 11: a kind the UI does not know",
        ]
    );
}

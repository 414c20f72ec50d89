//! The menu of sources the host enabled.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::icon::icon;
use crate::i18n::Strings;
use crate::source::SourceKind;

/// What [`source_menu`] shows.
pub struct SourceMenuProps {
    /// The sources, in order.
    pub sources: Vec<SourceKind>,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// A source was chosen.
    pub on_choose: Callback<SourceKind>,
    /// Attached to the first source, which takes focus when the screen appears.
    pub focus: NodeRef,
}

/// A list of buttons, one a source: icon, name, and a line on what it does.
pub fn source_menu(props: &SourceMenuProps) -> Html {
    let strings = &props.strings;
    let items: Html = props
        .sources
        .iter()
        .enumerate()
        .map(|(position, source)| {
            let (label, hint) = match source {
                SourceKind::File => (
                    strings.get("source.file", &[]),
                    strings.get("source.file.hint", &[]),
                ),
                SourceKind::Device => (
                    strings.get("source.device", &[]),
                    strings.get("source.device.hint", &[]),
                ),
                SourceKind::Account(_) => {
                    let brand = source.brand().unwrap_or_default();
                    (
                        brand.to_string(),
                        strings.get("source.account.hint", &[("brand", brand)]),
                    )
                }
            };
            let onclick = {
                let source = source.clone();
                props.on_choose.reform(move |_: MouseEvent| source.clone())
            };
            let node = if position == 0 {
                props.focus.clone()
            } else {
                NodeRef::default()
            };
            html! {
                <li key={source.id().to_string()}>
                    <button type="button" class="source" part="source" ref={node} {onclick}
                        data-source={source.id().to_string()}>
                        { icon(source.icon()) }
                        <span class="source__text">
                            <span class="source__label">{ label }</span>
                            <span class="source__hint">{ hint }</span>
                        </span>
                    </button>
                </li>
            }
        })
        .collect();
    html! {
        <div class="menu" part="menu">
            <p class="menu__intro" id="cp-menu-intro">{ strings.get("menu.intro", &[]) }</p>
            <ul class="menu__list" aria-labelledby="cp-menu-intro">{ items }</ul>
        </div>
    }
}

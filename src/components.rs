//! One part of the interface a file, each file named after its part: a Yew component where the
//! part keeps state or runs hooks (or is worth skipping when its properties did not change), a
//! view function, `fn part(&PartProps) -> Html`, where it does not (each component costs the
//! first-load module about 0.5 KB gzip of Yew's generic code: ARCHITECTURE.md).

pub mod contact_details;
pub mod contact_list;
pub mod contact_picker;
pub mod contact_row;
pub mod dialog;
pub mod done;
pub mod file_drop;
pub mod icon;
pub mod import_progress;
pub mod message;
pub mod problems;
pub mod search_box;
pub mod source_menu;
pub mod toolbar;

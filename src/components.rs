//! One component a file, each file named after its component.

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

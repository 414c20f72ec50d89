//! Custom hooks, one a file, named `use_*`.

pub mod use_autofocus;
pub mod use_debounced;
pub mod use_list_metrics;

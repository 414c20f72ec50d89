//! `contact-picker`: the command line. STUB: being written.

fn main() {}

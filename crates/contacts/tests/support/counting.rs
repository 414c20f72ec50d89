//! A global allocator that counts live heap bytes and their peak while a job runs
//! ([`peak_of`]): `contacts-bench run`'s memory figure and the contact core's memory tests
//! (`tests/hostile.rs`). Included with `#[path = ...] mod counting;`: it declares the including
//! crate's global allocator. Counting costs three atomic read-modify-writes per allocation, and
//! only while a job is measured.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// Counts live heap bytes and remembers the peak, while [`COUNTING`] is on.
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
/// Live bytes allocated since counting started: signed, since what was allocated before may be
/// freed while counting.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// Adds `bytes` (negative: freed) to the live count, and keeps the peak.
fn count(bytes: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if bytes > 0 {
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
    }
}

/// Runs `job` with the allocator counting, and returns the most bytes it held at once (above
/// what was live when it started) and the bytes it left allocated.
pub fn peak_of<T>(job: impl FnOnce() -> T) -> (usize, usize, T) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let result = job();
    COUNTING.store(false, Ordering::Relaxed);
    let left = LIVE.load(Ordering::Relaxed).max(0) as usize;
    (PEAK.load(Ordering::Relaxed).max(0) as usize, left, result)
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

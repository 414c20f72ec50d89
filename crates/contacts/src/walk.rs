//! A small deterministic generator for the crate's tests (an LCG step, as in PCG): the inputs
//! a test draws are the same on every run and target, so a failure can be replayed.

/// A walk through pseudo-random numbers from a seed.
pub(crate) struct Walk(pub(crate) u64);

impl Walk {
    /// The next number (31 bits).
    pub(crate) fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    /// One of `items`.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.next() % items.len()]
    }

    /// Between `least` and `most` characters drawn from `palette`.
    pub(crate) fn text(&mut self, palette: &[char], least: usize, most: usize) -> String {
        let length = least + self.next() % (most - least + 1);
        (0..length).map(|_| self.pick(palette)).collect()
    }
}

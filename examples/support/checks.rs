//! The rows the self-checking examples print: a case, the status it got and the status
//! expected, and whether every row was as expected.

/// Rows printed as they come; [`all_ok`](Self::all_ok) says whether every one matched.
#[derive(Default)]
pub(crate) struct Checks {
    failed: usize,
}

impl Checks {
    /// Prints `ok` or `FAIL` for `case`.
    pub(crate) fn row(&mut self, case: &str, got: u16, want: u16) {
        let ok = got == want;
        if !ok {
            self.failed = self.failed.saturating_add(1);
        }
        let mark = if ok { "ok  " } else { "FAIL" };
        println!("{mark} {case}: {got} (expected {want})");
    }

    /// Whether every row matched.
    pub(crate) fn all_ok(&self) -> bool {
        self.failed == 0
    }
}

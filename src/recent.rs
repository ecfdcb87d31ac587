//! Memos that forget what a run stopped asking about.
//!
//! A run over many manifests remembers facts per directory, repository root, policy file and
//! checklist file, so that manifests sharing one look it up once. Kept for the whole run, the
//! facts about directories only one manifest uses grew with the run: about 0.4 KB a manifest
//! in a corpus where every service directory is its own root. Manifests are checked in path
//! order and in chunks; between chunks the run calls [`Recent::age`], and a memo then keeps
//! what was asked for during the chunk just checked. What every chunk asks for (a monorepo's
//! repository, its root policy) stays for the whole run; the rest goes.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

/// The entries asked for in this generation, and those asked for only in the previous one.
/// Keyed by paths from the repository under check, so hashed with a per-process random seed.
type Generations<K, V> = Option<(Map<K, V>, Map<K, V>)>;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A map that keeps what was asked for in this generation and in the one before; each call
/// to [`Recent::age`] ends a generation.
#[derive(Debug)]
pub struct Recent<K, V> {
    generations: Mutex<Generations<K, V>>,
}

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Recent::new()
    }
}

impl<K, V> Recent<K, V> {
    /// An empty memo (usable in a `static`).
    pub const fn new() -> Self {
        Recent {
            generations: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Generations<K, V>> {
        // A memo holds answers, never half-made state: a panic elsewhere leaves it usable.
        self.generations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a new generation: entries not asked for since the last call are forgotten.
    pub fn age(&self) {
        if let Some((current, previous)) = self.lock().as_mut() {
            // The older generation's table is reused rather than grown again from nothing.
            std::mem::swap(current, previous);
            current.clear();
        }
    }
}

impl<K: Hash + Eq, V: Clone> Recent<K, V> {
    /// The value remembered for `key`, else `compute`'s, remembered. `compute` runs outside
    /// the memo's lock (it may read files): two threads asking for a fresh key may both
    /// compute it, and get the same answer. For a value computed exactly once, see [`cell`].
    pub fn get_or_compute<Q>(&self, key: &Q, compute: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
    {
        if let Some(hit) = self.get(key) {
            return hit;
        }
        let value = compute();
        self.lock()
            .get_or_insert_with(Default::default)
            .0
            .insert(key.to_owned(), value.clone());
        value
    }

    /// The value remembered for `key`, if any; it is kept into this generation.
    fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
    {
        let mut guard = self.lock();
        let (current, previous) = guard.as_mut()?;
        if let Some(v) = current.get(key) {
            return Some(v.clone());
        }
        let v = previous.remove(key)?;
        current.insert(key.to_owned(), v.clone());
        Some(v)
    }

    /// The value for `key`, made by `make` when there is none; `make` runs under the memo's
    /// lock, so it must be cheap (see [`cell`]).
    fn get_or_make<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
    {
        let mut guard = self.lock();
        let (current, previous) = guard.get_or_insert_with(Default::default);
        if let Some(v) = current.get(key) {
            return v.clone();
        }
        let v = previous.remove(key).unwrap_or_else(make);
        current.insert(key.to_owned(), v.clone());
        v
    }
}

/// Values computed once per key, each under its own lock: a caller asking while another
/// computes the same key waits for that result instead of computing it again.
pub type Cells<K, V> = Recent<K, Arc<OnceLock<V>>>;

/// The cell for `key`, made on first ask.
pub fn cell<K, Q, V>(cells: &Cells<K, V>, key: &Q) -> Arc<OnceLock<V>>
where
    K: Borrow<Q> + Hash + Eq,
    Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
{
    cells.get_or_make(key, || Arc::new(OnceLock::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_the_last_generation_asked_for_and_forgets_the_rest() {
        let memo: Recent<String, u32> = Recent::new();
        assert_eq!(memo.get_or_compute("shared", || 1), 1);
        assert_eq!(memo.get_or_compute("once", || 2), 2);
        memo.age();
        // Asked for in the second generation: it moves along.
        assert_eq!(memo.get_or_compute("shared", || 10), 1);
        memo.age();
        assert_eq!(memo.get_or_compute("shared", || 10), 1);
        // Not asked for since two calls to `age`: gone, computed again.
        assert_eq!(memo.get_or_compute("once", || 3), 3);
        assert_eq!(memo.get_or_compute("once", || 4), 3);
    }

    #[test]
    fn a_cell_is_shared_until_it_is_forgotten() {
        let cells: Cells<String, u32> = Recent::new();
        let a = cell(&cells, "k");
        assert!(Arc::ptr_eq(&a, &cell(&cells, "k")));
        cells.age();
        assert!(Arc::ptr_eq(&a, &cell(&cells, "k")));
        cells.age();
        cells.age();
        assert!(!Arc::ptr_eq(&a, &cell(&cells, "k")));
    }

    #[test]
    fn callers_racing_for_one_key_compute_it_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static CELLS: Cells<String, usize> = Recent::new();
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let got: Vec<usize> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        *cell(&CELLS, "v1.4.2").get_or_init(|| {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            RUNS.fetch_add(1, Ordering::SeqCst) + 7
                        })
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert_eq!(got, vec![7; 8]);
        assert_eq!(RUNS.load(Ordering::SeqCst), 1);
        // Another key is its own computation.
        assert_eq!(*cell(&CELLS, "v1.4.3").get_or_init(|| 9), 9);
    }
}

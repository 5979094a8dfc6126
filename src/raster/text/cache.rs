//! The render cache: identical text in an identical style is rasterized once. Least recently
//! used entries are dropped once the cached bitmaps pass a byte budget, so memory stays bounded
//! however many distinct texts stream through.

use super::RenderedText;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Default budget for cached bitmaps: 64 MiB (about 500 full-width 1080p captions).
pub const DEFAULT_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// What identifies a render: the text, the style (as its JSON) and the scale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    /// The style, serialized (shared by every text of a batch).
    pub style: Arc<str>,
    /// The text.
    pub text: String,
    /// Bits of the `f32` scale.
    pub scale: u32,
}

/// Hit and miss counters of the render cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Renders answered from the cache.
    pub hits: u64,
    /// Renders that rasterized.
    pub misses: u64,
    /// Entries held now.
    pub entries: usize,
    /// Bitmap bytes held now.
    pub bytes: usize,
}

/// Cached renders with least-recently-used eviction.
pub(crate) struct RenderCache {
    entries: HashMap<CacheKey, (Arc<RenderedText>, u64)>,
    /// Last use → key, oldest first.
    order: BTreeMap<u64, CacheKey>,
    clock: u64,
    budget: usize,
    stats: CacheStats,
}

impl RenderCache {
    /// An empty cache that keeps at most `budget` bytes of bitmaps.
    pub fn new(budget: usize) -> RenderCache {
        RenderCache { entries: HashMap::new(), order: BTreeMap::new(), clock: 0, budget, stats: CacheStats::default() }
    }

    /// The cached render for `key`, counting a hit, or `None` (counting a miss).
    pub fn get(&mut self, key: &CacheKey) -> Option<Arc<RenderedText>> {
        self.clock += 1;
        let Some((text, used)) = self.entries.get_mut(key) else {
            self.stats.misses += 1;
            return None;
        };
        self.order.remove(used);
        *used = self.clock;
        self.order.insert(self.clock, key.clone());
        self.stats.hits += 1;
        Some(text.clone())
    }

    /// Stores a render, then drops the least recently used ones while over budget.
    pub fn insert(&mut self, key: CacheKey, text: Arc<RenderedText>) {
        self.clock += 1;
        self.stats.bytes += text.byte_size();
        if let Some((old, used)) = self.entries.insert(key.clone(), (text, self.clock)) {
            self.stats.bytes -= old.byte_size();
            self.order.remove(&used);
        }
        self.order.insert(self.clock, key);
        while self.stats.bytes > self.budget && self.entries.len() > 1 {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            if let Some((old, _)) = self.entries.remove(&oldest) {
                self.stats.bytes -= old.byte_size();
            }
        }
        self.stats.entries = self.entries.len();
    }

    /// The counters.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Drops every entry (the counters stay).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.stats.entries = 0;
        self.stats.bytes = 0;
    }

    /// Changes the byte budget (evicting on the next insert).
    pub fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
    }
}

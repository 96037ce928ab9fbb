//! A hybrid event queue: the engine's 4-ary [`EventHeap`] while few events are
//! pending, the [`CalendarQueue`] once many are. It measures what the models
//! (about 5 pending) would pay for a calendar that only large queues use.
//!
//! The queue moves to the calendar when its size rises above [`TO_CALENDAR`]
//! and back to the heap when it drops below [`TO_HEAP`]; the gap between the
//! two keeps a size near one threshold from moving it back and forth. A move
//! drains one structure into the other, O(n log n). Both pop in `(time, seq)`
//! order, so the order does not depend on which one holds the events.

use caspian_engine::{EventHeap, EventKey};

use crate::calendar_queue::CalendarQueue;

/// Above this many pending events the calendar takes over.
pub const TO_CALENDAR: usize = 64;
/// Below this many pending events the heap takes over again.
pub const TO_HEAP: usize = 16;

/// The heap or the calendar, whichever suits the current size.
#[derive(Debug)]
pub enum HybridQueue<E> {
    /// Few events pending.
    Heap(EventHeap<E, 4>),
    /// Many events pending.
    Calendar(CalendarQueue<E>),
}

impl<E> Default for HybridQueue<E> {
    fn default() -> Self {
        Self::Heap(EventHeap::default())
    }
}

impl<E> HybridQueue<E> {
    /// Number of pending events.
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Self::Heap(h) => h.len(),
            Self::Calendar(c) => c.len(),
        }
    }

    /// Whether no event is pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Inserts an event.
    #[inline(always)]
    pub fn push(&mut self, key: EventKey, event: E) {
        match self {
            Self::Heap(h) => {
                h.push(key, event);
                if h.len() > TO_CALENDAR {
                    self.move_to_calendar();
                }
            }
            Self::Calendar(c) => c.push(key, event),
        }
    }

    /// Removes and returns the event with the smallest key.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(EventKey, E)> {
        match self {
            Self::Heap(h) => h.pop(),
            Self::Calendar(c) => {
                let popped = c.pop();
                if c.len() < TO_HEAP {
                    self.move_to_heap();
                }
                popped
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn move_to_calendar(&mut self) {
        if let Self::Heap(h) = self {
            let mut c = CalendarQueue::new();
            while let Some((k, e)) = h.pop() {
                c.push(k, e);
            }
            *self = Self::Calendar(c);
        }
    }

    #[cold]
    #[inline(never)]
    fn move_to_heap(&mut self) {
        if let Self::Calendar(c) = self {
            let mut h = EventHeap::with_capacity(c.len());
            while let Some((k, e)) = c.pop() {
                h.push(k, e);
            }
            *self = Self::Heap(h);
        }
    }
}

//! Cursor pagination as streams, for every list operation of the spec.
//!
//! A list response is `{"data": [...], "has_more": bool, "total": int}`; the next
//! page is requested with `starting_after` set to the `id` of the last item
//! received and `limit` as the page size, in the query string of the GET lists
//! and in the JSON body of `searchCustomersPost`. The generated index marks each
//! such operation, so [`Paginated`] exists exactly for the operations the spec
//! paginates.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use imprint::prelude::*;
//! use imprint::types::SearchCustomersPostBody;
//!
//! # async fn run(client: imprint::Client) -> Result<(), imprint::Error> {
//! let body = SearchCustomersPostBody::builder().partner_customer_id("PARTNER_USER_456".to_string());
//! let customers: Vec<_> = client.search_customers_post().body(body).stream().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! # Requests, memory and read-ahead
//!
//! Pages are fetched lazily: nothing is sent until the stream is polled, and the
//! next page is requested only when the consumer has taken every item of the
//! current one. With `limit = 2`, `stream().take(3)` sends exactly two requests.
//!
//! [`Paginator::read_ahead`] requests page *n + 1* as soon as page *n* arrives, in
//! a task of its own, so the server works while the consumer does: at most one
//! page ahead, so memory stays bounded by two pages. It is **off by default** because it spends one
//! request that a consumer who stops early never needed (`take(3)` above sends
//! three), and Imprint documents no rate limits to spend it against; turn it on
//! when the consumer does real work per page.
//!
//! Dropping a stream drops the request in flight with it (reqwest cancels it);
//! a read-ahead task is aborted with it, so nothing keeps running.
//!
//! # What the server cannot make a stream do
//!
//! A stream never loops: it remembers every cursor it sent, as a 128-bit
//! digest keyed at random per stream (so memory does not grow with the ids'
//! length, and a server cannot aim two ids at one digest), and stops with
//! [`Error::Pagination`] when a page ends at one of them. A last id longer than
//! [`MAX_CURSOR_BYTES`] is refused the same way instead of being sent back.
//! [`Paginator::max_pages`] caps the pages one stream requests.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::num::NonZeroU32;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::future::BoxFuture;
use tracing::Instrument;

use crate::error::Error;
pub use crate::error::PaginationErrorKind;
use crate::operation::{Operation, WithOptions};
use imprint_types::ValidationError;

/// The longest cursor a stream sends back as `starting_after`, in bytes: the
/// last item's id (Imprint's ids are UUIDs, 36 bytes). A page whose last id is
/// longer ends the stream with [`PaginationErrorKind::CursorTooLong`].
pub const MAX_CURSOR_BYTES: usize = 1024;

/// The part of a paginated builder only the SDK implements and calls.
pub(crate) mod sealed {
    use std::num::NonZeroU32;

    /// How to page one generated list operation.
    pub trait PageRequest: crate::operation::sealed::Request + Clone {
        /// One element of the page's `data`.
        type Item: Send + 'static;

        /// The builder with `limit` (when given) and `starting_after` set.
        fn with_page(self, limit: Option<NonZeroU32>, starting_after: Option<String>) -> Self;

        /// The page's items.
        fn items(page: &Self::Output) -> &[Self::Item];

        /// The page's items, by value.
        fn into_items(page: Self::Output) -> Vec<Self::Item>;

        /// The page's `has_more` (missing counts as `false`).
        fn has_more(page: &Self::Output) -> bool;

        /// The id an item stands for: the next request's `starting_after`.
        fn item_id(item: &Self::Item) -> Option<&str>;
    }
}

/// A generated builder for a cursor-paginated operation.
///
/// Implemented by the generated index for exactly the operations whose request
/// takes `starting_after` (the trait is sealed). Bring it into scope with
/// `use imprint::prelude::*;`.
pub trait Paginated: sealed::PageRequest + Operation {
    /// Every item of every page, with default options.
    fn stream(self) -> Items<Self> {
        self.paginate().items()
    }

    /// Pagination with options (page size, read-ahead, a cap on items).
    fn paginate(self) -> Paginator<Self> {
        Paginator {
            request: self,
            page_size: None,
            refused: None,
            read_ahead: false,
            max_items: None,
            max_pages: None,
        }
    }
}

impl<R: sealed::PageRequest> Paginated for R {}

/// A list request with its own options pages like the request, each page
/// carrying the options.
impl<R: sealed::PageRequest> sealed::PageRequest for WithOptions<R> {
    type Item = R::Item;

    fn with_page(self, limit: Option<NonZeroU32>, starting_after: Option<String>) -> Self {
        self.map(|request| request.with_page(limit, starting_after))
    }

    fn items(page: &Self::Output) -> &[Self::Item] {
        R::items(page)
    }

    fn into_items(page: Self::Output) -> Vec<Self::Item> {
        R::into_items(page)
    }

    fn has_more(page: &Self::Output) -> bool {
        R::has_more(page)
    }

    fn item_id(item: &Self::Item) -> Option<&str> {
        R::item_id(item)
    }
}

/// Options for one pagination; finish with [`items`](Paginator::items) or
/// [`pages`](Paginator::pages).
#[must_use = "a paginator does nothing until turned into a stream"]
pub struct Paginator<B> {
    request: B,
    page_size: Option<NonZeroU32>,
    refused: Option<ValidationError>,
    read_ahead: bool,
    max_items: Option<u64>,
    max_pages: Option<u64>,
}

impl<B: Paginated> Paginator<B> {
    /// Items per page (`limit`). Without it, the request's own `limit` applies
    /// (the API's default is 10). The API takes 1 to 2³¹ − 1: another size
    /// makes the stream's first item an [`Error::Validation`] on field
    /// `page_size`, with nothing sent.
    pub fn page_size(mut self, size: u32) -> Self {
        match NonZeroU32::new(size).filter(|size| i32::try_from(size.get()).is_ok()) {
            Some(size) => self.page_size = Some(size),
            None => {
                self.refused = Some(ValidationError::new(
                    "page_size",
                    "must be between 1 and 2147483647",
                ))
            }
        }
        self
    }

    /// Fetch the next page while the current one is consumed (see the module docs).
    pub fn read_ahead(mut self, on: bool) -> Self {
        self.read_ahead = on;
        self
    }

    /// Stop after this many items in total; no page beyond them is requested.
    pub fn max_items(mut self, max: u64) -> Self {
        self.max_items = Some(max);
        self
    }

    /// Stop after this many pages; no page beyond them is requested (`0`
    /// requests none). The stream then ends as if the last page had said
    /// `has_more: false`.
    pub fn max_pages(mut self, max: u64) -> Self {
        self.max_pages = Some(max);
        self
    }

    /// A stream of whole pages (the operation's response type).
    pub fn pages(self) -> Pages<B> {
        // A refused setting is the stream's first and only item.
        let refused = self.refused.map(|source| -> Fetch<B::Output> {
            Box::pin(futures_util::future::ready(Err(Error::Validation {
                operation: Some(B::META.id),
                source,
            })))
        });
        Pages {
            request: self.request,
            page_size: self.page_size,
            read_ahead: self.read_ahead,
            remaining: self.max_items,
            pages_left: self.max_pages,
            trail: Trail::default(),
            current: refused,
            ahead: None,
            done: self.max_pages == Some(0),
        }
    }

    /// A stream of items, page after page.
    pub fn items(self) -> Items<B> {
        let remaining = self.max_items;
        Items {
            pages: self.pages(),
            buffer: VecDeque::new(),
            remaining,
        }
    }
}

/// A stream of pages; see [`Paginator::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<B: Paginated> {
    request: B,
    page_size: Option<NonZeroU32>,
    read_ahead: bool,
    /// Items still wanted, when capped.
    remaining: Option<u64>,
    /// Pages still wanted, when capped.
    pages_left: Option<u64>,
    trail: Trail,
    current: Option<Fetch<B::Output>>,
    ahead: Option<Fetch<B::Output>>,
    done: bool,
}

type Fetch<T> = BoxFuture<'static, Result<T, Error>>;

// The streams never pin their fields (the futures are boxed), so moving them is
// always fine, whatever the builder and item types are.
impl<B: Paginated> Unpin for Pages<B> {}
impl<B: Paginated> Unpin for Items<B> {}

impl<B: Paginated> Pages<B> {
    /// The request for the next page; `background` gives it a task of its own
    /// (read-ahead).
    fn fetch(&self, background: bool) -> Fetch<B::Output> {
        let limit = match (self.page_size, self.remaining) {
            // Never ask for more than the cap still wants.
            (Some(size), Some(left)) => {
                NonZeroU32::new(size.get().min(u32::try_from(left).unwrap_or(u32::MAX)))
            }
            (size, _) => size,
        };
        let request = self
            .request
            .clone()
            .with_page(limit, self.trail.next_after.clone());
        if background {
            Box::pin(in_background(request.call()))
        } else {
            Box::pin(request.call())
        }
    }

    /// Checks a page against the cursors already sent and decides what comes next.
    fn accept(&mut self, page: &B::Output) -> Result<(), Error> {
        let items = B::items(page);
        let last = items.last().and_then(B::item_id);
        let more = B::has_more(page);
        self.trail
            .advance(items.len(), more, last)
            .map_err(|kind| Error::pagination(B::META.id, self.trail.pages, kind))?;
        crate::telemetry::page(B::META, items.len());
        if let Some(left) = &mut self.remaining {
            *left = left.saturating_sub(items.len() as u64);
        }
        if let Some(left) = &mut self.pages_left {
            *left = left.saturating_sub(1);
        }
        self.done = !more || self.remaining == Some(0) || self.pages_left == Some(0);
        Ok(())
    }
}

/// The cursors a pagination has sent, so that a server going back or around a
/// cycle is caught whatever its length. Memory grows with pages (24 bytes and
/// the map's slack each), not with items or the ids' length.
#[derive(Default)]
struct Trail {
    /// Pages received so far.
    pages: u64,
    /// The `starting_after` the next request sends.
    next_after: Option<String>,
    /// The digest of every cursor sent, with the page whose request sent it.
    sent: HashMap<u128, u64>,
    /// Two random keys per stream make the digest 128 bits wide and unknown to
    /// the server: it cannot choose ids that collide.
    keys: (RandomState, RandomState),
}

impl Trail {
    /// Takes page number `pages + 1`: `len` items, `has_more`, the last item's id.
    fn advance(
        &mut self,
        len: usize,
        more: bool,
        last: Option<&str>,
    ) -> Result<(), PaginationErrorKind> {
        self.pages += 1;
        if !more {
            return Ok(());
        }
        if len == 0 {
            return Err(PaginationErrorKind::EmptyPageWithMore);
        }
        let last = last.ok_or(PaginationErrorKind::MissingCursor)?;
        if last.len() > MAX_CURSOR_BYTES {
            return Err(PaginationErrorKind::CursorTooLong { bytes: last.len() });
        }
        if self.next_after.as_deref() == Some(last) {
            return Err(PaginationErrorKind::CursorDidNotAdvance);
        }
        let digest = self.digest(last);
        if let Some(&first_sent_for_page) = self.sent.get(&digest) {
            return Err(PaginationErrorKind::CursorRepeated {
                first_sent_for_page,
            });
        }
        self.sent.insert(digest, self.pages + 1);
        self.next_after = Some(last.to_string());
        Ok(())
    }

    fn digest(&self, cursor: &str) -> u128 {
        let (high, low) = (&self.keys.0, &self.keys.1);
        (u128::from(high.hash_one(cursor)) << 64) | u128::from(low.hash_one(cursor))
    }
}

impl<B: Paginated> Stream for Pages<B> {
    type Item = Result<B::Output, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.current.is_none() {
            if this.done {
                return Poll::Ready(None);
            }
            this.current = Some(this.ahead.take().unwrap_or_else(|| this.fetch(false)));
        }
        let fetch = this.current.as_mut().expect("a fetch is in flight");
        let result = std::task::ready!(fetch.as_mut().poll(cx));
        this.current = None;
        let page = match result.and_then(|page| this.accept(&page).map(|()| page)) {
            Ok(page) => page,
            Err(error) => {
                this.done = true;
                return Poll::Ready(Some(Err(error)));
            }
        };
        if this.read_ahead && !this.done {
            // The first poll builds the request and hands the exchange to its
            // own task, which goes on while the caller works on this page.
            let mut next = this.fetch(true);
            if let Poll::Ready(result) = next.as_mut().poll(cx) {
                next = Box::pin(futures_util::future::ready(result));
            }
            this.ahead = Some(next);
        }
        Poll::Ready(Some(Ok(page)))
    }
}

/// A stream of items; see [`Paginator::items`] and [`Paginated::stream`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<B: Paginated> {
    pages: Pages<B>,
    buffer: VecDeque<B::Item>,
    remaining: Option<u64>,
}

impl<B: Paginated> Stream for Items<B> {
    type Item = Result<B::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.remaining == Some(0) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.pop_front() {
                if let Some(left) = &mut this.remaining {
                    *left -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match std::task::ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.buffer.extend(B::into_items(page)),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

/// Runs `call` in a task of its own, so it makes progress while nobody polls
/// the stream; dropping the returned future aborts the task. The task carries
/// the current span, so the call's telemetry keeps its parent.
async fn in_background<T: Send + 'static>(
    call: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> Result<T, Error> {
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(tokio::spawn(call.in_current_span()));
    match (&mut task.0).await {
        Ok(result) => result,
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

/// A value an item's id field may have: `String` or `Option<String>`.
pub(crate) trait ItemId {
    /// The id, if there is one.
    fn item_id(&self) -> Option<&str>;
}

impl ItemId for String {
    fn item_id(&self) -> Option<&str> {
        Some(self)
    }
}

impl ItemId for Option<String> {
    fn item_id(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Implements [`Paginated`] for one generated builder. Invoked by the generated
/// index; every path is absolute, so the macro means the same wherever it expands.
macro_rules! paginated {
    ($builder:ident, $params:ident, $item:ty, $id:ident) => {
        impl $crate::pagination::sealed::PageRequest for $crate::generated::builder::$builder {
            type Item = $item;

            fn with_page(
                self,
                limit: ::std::option::Option<::std::num::NonZeroU32>,
                after: ::std::option::Option<::std::string::String>,
            ) -> Self {
                $crate::pagination::paginated!(@set $params, self, limit, after)
            }

            fn items(page: &Self::Output) -> &[$item] {
                &page.data
            }

            fn into_items(page: Self::Output) -> ::std::vec::Vec<$item> {
                page.data
            }

            fn has_more(page: &Self::Output) -> bool {
                page.has_more.unwrap_or(false)
            }

            fn item_id(item: &$item) -> ::std::option::Option<&str> {
                $crate::pagination::ItemId::item_id(&item.$id)
            }
        }
    };
    (@set query, $request:ident, $limit:ident, $after:ident) => {{
        let request = match $limit {
            ::std::option::Option::Some(limit) => $request.limit(limit),
            ::std::option::Option::None => $request,
        };
        match $after {
            ::std::option::Option::Some(after) => request.starting_after(after),
            ::std::option::Option::None => request,
        }
    }};
    (@set body, $request:ident, $limit:ident, $after:ident) => {
        $request.body_map(move |body| {
            let body = match $limit {
                ::std::option::Option::Some(limit) => body.limit(limit),
                ::std::option::Option::None => body,
            };
            match $after {
                ::std::option::Option::Some(after) => body.starting_after(after),
                ::std::option::Option::None => body,
            }
        })
    };
}
pub(crate) use paginated;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_last_page_ends_whatever_it_holds() {
        let mut trail = Trail::default();
        assert_eq!(trail.advance(0, false, None), Ok(()));
        assert_eq!(trail.pages, 1);
    }

    #[test]
    fn pages_advance_by_the_last_id() {
        let mut trail = Trail::default();
        trail.advance(2, true, Some("b")).unwrap();
        assert_eq!(trail.next_after.as_deref(), Some("b"));
        trail.advance(2, true, Some("d")).unwrap();
        assert_eq!(trail.next_after.as_deref(), Some("d"));
    }

    #[test]
    fn empty_pages_and_missing_ids_cannot_be_followed() {
        assert_eq!(
            Trail::default().advance(0, true, None),
            Err(PaginationErrorKind::EmptyPageWithMore)
        );
        assert_eq!(
            Trail::default().advance(3, true, None),
            Err(PaginationErrorKind::MissingCursor)
        );
    }

    #[test]
    fn a_page_ending_at_the_cursor_just_sent_did_not_advance() {
        let mut trail = Trail::default();
        trail.advance(1, true, Some("a")).unwrap();
        assert_eq!(
            trail.advance(1, true, Some("a")),
            Err(PaginationErrorKind::CursorDidNotAdvance)
        );
    }

    #[test]
    fn a_cursor_over_the_limit_is_refused_not_sent() {
        let mut trail = Trail::default();
        let longest = "x".repeat(MAX_CURSOR_BYTES);
        trail.advance(1, true, Some(&longest)).unwrap();
        assert_eq!(
            trail.advance(1, true, Some(&format!("{longest}y"))),
            Err(PaginationErrorKind::CursorTooLong {
                bytes: MAX_CURSOR_BYTES + 1
            })
        );
        assert_eq!(trail.next_after.as_deref(), Some(longest.as_str()));
    }

    #[test]
    fn a_cycle_of_any_length_is_caught() {
        let mut trail = Trail::default();
        for id in ["a", "b", "c"] {
            trail.advance(1, true, Some(id)).unwrap();
        }
        assert_eq!(
            trail.advance(1, true, Some("a")),
            Err(PaginationErrorKind::CursorRepeated {
                first_sent_for_page: 2
            })
        );
    }
}

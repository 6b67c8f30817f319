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

use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::future::BoxFuture;

use crate::error::Error;
use crate::operation::Operation;

/// A generated builder for a cursor-paginated operation.
///
/// Implemented by the generated index for exactly the operations whose request
/// takes `starting_after`. Bring it into scope with `use imprint::prelude::*;`.
pub trait Paginated<'a>: Operation<'a> + Clone {
    /// One element of the page's `data`.
    type Item: Send + 'a;

    /// The builder with `limit` (when given) and `starting_after` set.
    #[doc(hidden)]
    fn with_page(self, limit: Option<NonZeroU32>, starting_after: Option<String>) -> Self;

    /// The page's items.
    #[doc(hidden)]
    fn items(page: &Self::Output) -> &[Self::Item];

    /// The page's items, by value.
    #[doc(hidden)]
    fn into_items(page: Self::Output) -> Vec<Self::Item>;

    /// The page's `has_more` (missing counts as `false`).
    #[doc(hidden)]
    fn has_more(page: &Self::Output) -> bool;

    /// The cursor an item stands for (its `id`).
    #[doc(hidden)]
    fn item_id(item: &Self::Item) -> Option<&str>;

    /// Every item of every page, with default options.
    fn stream(self) -> Items<'a, Self> {
        self.paginate().items()
    }

    /// Pagination with options (page size, read-ahead, a cap on items).
    fn paginate(self) -> Paginator<'a, Self> {
        Paginator {
            request: self,
            page_size: None,
            read_ahead: false,
            max_items: None,
            _life: std::marker::PhantomData,
        }
    }
}

/// Options for one pagination; finish with [`items`](Paginator::items) or
/// [`pages`](Paginator::pages).
#[must_use = "a paginator does nothing until turned into a stream"]
pub struct Paginator<'a, B> {
    request: B,
    page_size: Option<NonZeroU32>,
    read_ahead: bool,
    max_items: Option<u64>,
    _life: std::marker::PhantomData<&'a ()>,
}

impl<'a, B: Paginated<'a>> Paginator<'a, B> {
    /// Items per page (`limit`). Without it, the request's own `limit` applies
    /// (the API's default is 10).
    pub fn page_size(mut self, size: NonZeroU32) -> Self {
        self.page_size = Some(size);
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

    /// A stream of whole pages (the operation's response type).
    pub fn pages(self) -> Pages<'a, B> {
        Pages {
            request: self.request,
            page_size: self.page_size,
            read_ahead: self.read_ahead,
            remaining: self.max_items,
            cursor: None,
            page: 0,
            current: None,
            ahead: None,
            done: false,
        }
    }

    /// A stream of items, page after page.
    pub fn items(self) -> Items<'a, B> {
        let remaining = self.max_items;
        Items {
            pages: self.pages(),
            buffer: VecDeque::new(),
            remaining,
        }
    }
}

/// Why a pagination stopped although the server said there was more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaginationErrorKind {
    /// `has_more` was true but `data` was empty: following it would loop forever.
    EmptyPageWithMore,
    /// The last item's id equals the cursor just sent: the server did not advance.
    CursorDidNotAdvance {
        /// The cursor that came back unchanged.
        cursor: String,
    },
    /// `has_more` was true but the last item has no id to continue from.
    MissingCursor,
}

impl fmt::Display for PaginationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationErrorKind::EmptyPageWithMore => {
                write!(f, "the server said has_more with an empty page")
            }
            PaginationErrorKind::CursorDidNotAdvance { cursor } => {
                write!(
                    f,
                    "the server did not advance: the page ends at the cursor just sent ({cursor})"
                )
            }
            PaginationErrorKind::MissingCursor => {
                write!(f, "the last item of the page has no id to continue from")
            }
        }
    }
}

/// A stream of pages; see [`Paginator::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'a, B: Paginated<'a>> {
    request: B,
    page_size: Option<NonZeroU32>,
    read_ahead: bool,
    /// Items still wanted, when capped.
    remaining: Option<u64>,
    /// The cursor the next request sends.
    cursor: Option<String>,
    /// Pages received so far.
    page: u64,
    current: Option<Fetch<'a, B::Output>>,
    ahead: Option<Fetch<'a, B::Output>>,
    done: bool,
}

type Fetch<'a, T> = BoxFuture<'a, Result<T, Error>>;

// The streams never pin their fields (the futures are boxed), so moving them is
// always fine, whatever the builder and item types are.
impl<'a, B: Paginated<'a>> Unpin for Pages<'a, B> {}
impl<'a, B: Paginated<'a>> Unpin for Items<'a, B> {}

impl<'a, B: Paginated<'a>> Pages<'a, B> {
    /// The request for the next page; `background` gives its exchange a task of
    /// its own (read-ahead).
    fn fetch(&self, background: bool) -> Fetch<'a, B::Output> {
        let limit = match (self.page_size, self.remaining) {
            // Never ask for more than the cap still wants.
            (Some(size), Some(left)) => {
                NonZeroU32::new(size.get().min(u32::try_from(left).unwrap_or(u32::MAX)))
            }
            (size, _) => size,
        };
        let request = self.request.clone().with_page(limit, self.cursor.clone());
        if background {
            Box::pin(crate::operation::call_in_background(request))
        } else {
            Box::pin(request.call())
        }
    }

    /// Checks a page against the previous cursor and decides what comes next.
    fn accept(&mut self, page: &B::Output) -> Result<(), Error> {
        self.page += 1;
        let items = B::items(page);
        let more = B::has_more(page);
        let fail = |kind| Err(Error::pagination(B::META.id, self.page, kind));
        if more && items.is_empty() {
            return fail(PaginationErrorKind::EmptyPageWithMore);
        }
        let last = items.last().and_then(B::item_id).map(str::to_string);
        if more && last.is_none() {
            return fail(PaginationErrorKind::MissingCursor);
        }
        if more && last.is_some() && last == self.cursor {
            return fail(PaginationErrorKind::CursorDidNotAdvance {
                cursor: last.unwrap_or_default(),
            });
        }
        if let Some(left) = &mut self.remaining {
            *left = left.saturating_sub(items.len() as u64);
        }
        self.cursor = last;
        self.done = !more || self.remaining == Some(0);
        Ok(())
    }
}

impl<'a, B: Paginated<'a>> Stream for Pages<'a, B> {
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
        let result = futures::ready!(fetch.as_mut().poll(cx));
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
                next = Box::pin(futures::future::ready(result));
            }
            this.ahead = Some(next);
        }
        Poll::Ready(Some(Ok(page)))
    }
}

/// A stream of items; see [`Paginator::items`] and [`Paginated::stream`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, B: Paginated<'a>> {
    pages: Pages<'a, B>,
    buffer: VecDeque<B::Item>,
    remaining: Option<u64>,
}

impl<'a, B: Paginated<'a>> Stream for Items<'a, B> {
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
            match futures::ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                Some(Ok(page)) => this.buffer.extend(B::into_items(page)),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

/// A value an item's id field may have: `String` or `Option<String>`.
#[doc(hidden)]
pub trait CursorField {
    fn cursor(&self) -> Option<&str>;
}

impl CursorField for String {
    fn cursor(&self) -> Option<&str> {
        Some(self)
    }
}

impl CursorField for Option<String> {
    fn cursor(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Implements [`Paginated`] for one generated builder; invoked through
/// `operation!` by the generated index.
macro_rules! paginated {
    ($builder:ident, $cursor:ident, $item:ty, $id:ident) => {
        impl<'a> $crate::pagination::Paginated<'a> for builder::$builder<'a> {
            type Item = $item;

            fn with_page(self, limit: ::std::option::Option<::std::num::NonZeroU32>, after: ::std::option::Option<String>) -> Self {
                $crate::pagination::paginated!(@set $cursor, self, limit, after)
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
                $crate::pagination::CursorField::cursor(&item.$id)
            }
        }
    };
    (@set query, $request:ident, $limit:ident, $after:ident) => {{
        let request = match $limit {
            Some(limit) => $request.limit(limit),
            None => $request,
        };
        match $after {
            Some(after) => request.starting_after(after),
            None => request,
        }
    }};
    (@set body, $request:ident, $limit:ident, $after:ident) => {
        $request.body_map(move |body| {
            let body = match $limit {
                Some(limit) => body.limit(limit),
                None => body,
            };
            match $after {
                Some(after) => body.starting_after(after),
                None => body,
            }
        })
    };
}
pub(crate) use paginated;

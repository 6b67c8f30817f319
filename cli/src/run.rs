//! How a generated command's request is sent and its result printed: the
//! SDK's `.call()` for one answer, its pagination stream for `--all`. JSON
//! on stdout (pretty on a terminal), NDJSON for `--all`, or a table.

use std::future::Future;
use std::io::{IsTerminal, Write};

use clap::{Arg, ArgAction, ArgMatches};
use futures_util::TryStreamExt;
use imprint::{Operation, Paginated};
use serde::Serialize;
use serde_json::Value;

use crate::table;

/// What the generated commands hand their request to (the generated code
/// names it; [`Output`] is the one implementation).
pub trait CliConfig {
    /// Sends `request` and prints its answer.
    fn call<O>(&self, request: O) -> impl Future<Output = anyhow::Result<()>>
    where
        O: Operation,
        O::Output: Serialize;

    /// Sends a list `request`: one page, or with `--all` in `matches` every
    /// page.
    fn list<P>(&self, request: P, matches: &ArgMatches) -> impl Future<Output = anyhow::Result<()>>
    where
        P: Paginated,
        P::Output: Serialize,
        P::Item: Serialize;
}

/// The output flags, global so they may follow the command's name.
pub fn args() -> [Arg; 2] {
    [
        Arg::new("table")
            .long("table")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print a list as a table (personal data redacted unless --reveal)"),
        Arg::new("reveal")
            .long("reveal")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Show personal data in --table output"),
    ]
}

/// Prints results on stdout as the flags and the terminal ask.
pub struct Output {
    table: Option<table::Personal>,
    pretty: bool,
    progress: bool,
}

impl Output {
    /// The output for a command's `matches`.
    pub fn new(matches: &ArgMatches) -> Output {
        let personal = if matches.get_flag("reveal") {
            table::Personal::Shown
        } else {
            table::Personal::Redacted
        };
        Output {
            table: matches.get_flag("table").then_some(personal),
            pretty: std::io::stdout().is_terminal(),
            progress: std::io::stderr().is_terminal(),
        }
    }

    /// One answer: a table of its `data` (or of itself), or JSON.
    fn print(&self, value: &impl Serialize) -> anyhow::Result<()> {
        let value = serde_json::to_value(value)?;
        let text = match self.table {
            Some(personal) => {
                let rows = match &value {
                    Value::Object(page) if page.get("data").is_some_and(Value::is_array) => {
                        page["data"].as_array().cloned().unwrap_or_default()
                    }
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                table::render(&rows, personal)
            }
            None if self.pretty => serde_json::to_string_pretty(&value)? + "\n",
            None => value.to_string() + "\n",
        };
        std::io::stdout().lock().write_all(text.as_bytes())?;
        Ok(())
    }

    /// Every item of every page: one JSON line each as it arrives, or one
    /// table at the end; a count on stderr when it is a terminal.
    async fn all<P>(&self, request: P) -> anyhow::Result<()>
    where
        P: Paginated,
        P::Item: Serialize,
    {
        let mut items = request.stream();
        let mut rows = Vec::new();
        let mut count = 0u64;
        let mut stdout = std::io::stdout().lock();
        while let Some(item) = items.try_next().await? {
            count += 1;
            let item = serde_json::to_value(&item)?;
            match self.table {
                Some(_) => rows.push(item),
                None => writeln!(stdout, "{item}")?,
            }
            if self.progress {
                eprint!("\r{count} items");
            }
        }
        if self.progress {
            eprintln!("\r{count} items, done");
        }
        if let Some(personal) = self.table {
            stdout.write_all(table::render(&rows, personal).as_bytes())?;
        }
        Ok(())
    }
}

impl CliConfig for Output {
    async fn call<O>(&self, request: O) -> anyhow::Result<()>
    where
        O: Operation,
        O::Output: Serialize,
    {
        self.print(&request.call().await?)
    }

    async fn list<P>(&self, request: P, matches: &ArgMatches) -> anyhow::Result<()>
    where
        P: Paginated,
        P::Output: Serialize,
        P::Item: Serialize,
    {
        if matches.get_flag("all") {
            self.all(request).await
        } else {
            self.print(&request.call().await?)
        }
    }
}

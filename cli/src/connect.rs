//! The client every API command uses: `Client::from_env`'s variables, with
//! `--base-url`, `--api-key-env` and `--merchant-key` over them.

use std::ffi::OsString;

use clap::{Arg, ArgMatches};
use imprint::{Client, ClientBuilder};

/// The variable `--api-key-env` stands in for.
const API_KEY: &str = "IMPRINT_API_KEY";

/// The variables of the key-id-and-secret form, which `--api-key-env` replaces
/// as well: the named variable is then the only credential read.
const API_KEY_PAIR: [&str; 2] = ["IMPRINT_API_KEY_ID", "IMPRINT_API_KEY_SECRET"];

/// The connection flags, global so they may follow the command's name.
pub fn args() -> [Arg; 3] {
    [
        Arg::new("base-url")
            .long("base-url")
            .global(true)
            .value_name("URL")
            .help("Send requests here instead of the environment's URL (IMPRINT_BASE_URL, IMPRINT_ENVIRONMENT)"),
        Arg::new("api-key-env")
            .long("api-key-env")
            .global(true)
            .value_name("VAR")
            .help("Read the API key from this environment variable instead of IMPRINT_API_KEY (a key is never taken on the command line, where the process list and shell history would show it)"),
        Arg::new("merchant-key")
            .long("merchant-key")
            .global(true)
            .value_name("KEY")
            .help("Send x-imprint-merchant-key (instead of IMPRINT_MERCHANT_KEY)"),
    ]
}

/// The client for `matches`: the process environment as
/// [`Client::from_env`] reads it, then the flags.
pub fn client(matches: &ArgMatches) -> Result<Client, imprint::Error> {
    let key_variable = matches.get_one::<String>("api-key-env").cloned();
    builder(matches, |name| match &key_variable {
        Some(variable) if name == API_KEY => std::env::var_os(variable),
        Some(_) if API_KEY_PAIR.contains(&name) => None,
        _ => std::env::var_os(name),
    })?
    .build()
}

/// [`ClientBuilder::from_vars`] through `lookup`, with the flags applied.
fn builder(
    matches: &ArgMatches,
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<ClientBuilder, imprint::Error> {
    let mut builder = ClientBuilder::from_vars(lookup)?;
    if let Some(url) = matches.get_one::<String>("base-url") {
        builder = builder.base_url(url.as_str());
    }
    if let Some(key) = matches.get_one::<String>("merchant-key") {
        builder = builder.merchant_key(key.as_str());
    }
    Ok(builder)
}

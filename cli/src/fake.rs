//! `imprint fake serve`: the fake Imprint (crate imprint-mock) as a standalone
//! server, for stacks in any language.

use std::io::Write;
use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command, value_parser};
use imprint_mock::FakeImprint;

/// The command's name.
pub const NAME: &str = "fake";

/// `fake serve` and its flags.
pub fn command() -> Command {
    Command::new(NAME)
        .about("The fake Imprint server")
        .subcommand_required(true)
        .subcommand(
            Command::new("serve")
                .about("Serve the fake on 127.0.0.1 until Ctrl-C or SIGTERM; print {\"base_url\", \"api_key\"} as one JSON line on stdout once ready")
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_parser(value_parser!(u16))
                        .default_value("0")
                        .help("Port to bind (0: a free one, named in the ready line)"),
                )
                .arg(
                    Arg::new("seed")
                        .long("seed")
                        .value_parser(value_parser!(u64))
                        .help("Data set and issued ids repeat from run to run with the same seed (default: customers of seed 42, fresh ids)"),
                )
                .arg(
                    Arg::new("customers")
                        .long("customers")
                        .value_parser(value_parser!(usize))
                        .default_value("300")
                        .help("How many synthetic customers"),
                )
                .arg(
                    Arg::new("webhook-url")
                        .long("webhook-url")
                        .value_name("URL")
                        .help("Also POST every webhook here (http(s) on a loopback host only)"),
                )
                .arg(
                    Arg::new("webhook-secret")
                        .long("webhook-secret")
                        .value_name("TOKEN")
                        .help("Sign webhooks with this test token (default whsec_fake_imprint)"),
                ),
        )
}

/// Starts the fake, prints the ready line, serves until a shutdown signal.
pub async fn run(matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let Some(("serve", serve)) = matches.subcommand() else {
        unreachable!("`fake` has the one subcommand `serve`");
    };
    let mut builder = FakeImprint::builder()
        .port(*serve.get_one::<u16>("port").expect("has a default"))
        .customers(*serve.get_one::<usize>("customers").expect("has a default"));
    if let Some(seed) = serve.get_one::<u64>("seed") {
        builder = builder.seed(*seed);
    }
    if let Some(url) = serve.get_one::<String>("webhook-url") {
        builder = builder.webhook_url(url.as_str());
    }
    if let Some(secret) = serve.get_one::<String>("webhook-secret") {
        builder = builder.webhook_secret(secret.as_str());
    }
    let fake = builder.start().await?;
    let stop = imprint_mock::shutdown_signal()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", fake.ready().json_line())?;
    stdout.flush()?;
    drop(stdout);
    fake.serve_until(stop).await;
    Ok(ExitCode::SUCCESS)
}

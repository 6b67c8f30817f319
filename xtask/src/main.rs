//! `cargo xtask codegen [--check]` and `cargo xtask diff`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use xtask::api_diff::{self, Format, Report};
use xtask::{
    GENERATED, GENERATED_HTTPMOCK, drift, generate, normalize::Summary, spec, workspace_root,
};

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask diff [--base <git revision>] [--format text|markdown]

  codegen           regenerate sdk/src/generated.rs from openapi.yaml
  codegen --check   regenerate in memory and fail if sdk/src/generated.rs differs
  diff              the API change report from openapi.yaml at --base (default: the
                    commit that last changed it) to the working tree; writes nothing";

/// A parsed command line.
enum Command<'a> {
    Codegen {
        check: bool,
    },
    Diff {
        base: Option<&'a str>,
        format: Format,
    },
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match parse(&args) {
        Some(Command::Codegen { check }) => codegen(check),
        Some(Command::Diff { base, format }) => diff(base, format),
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}\nnothing was written.");
            ExitCode::FAILURE
        }
    }
}

fn parse<'a>(args: &[&'a str]) -> Option<Command<'a>> {
    match args {
        ["codegen"] => Some(Command::Codegen { check: false }),
        ["codegen", "--check"] => Some(Command::Codegen { check: true }),
        ["diff", options @ ..] => {
            let (mut base, mut format) = (None, Format::Text);
            // `--base <revision>` and `--format text|markdown`, in any order.
            for pair in options.chunks(2) {
                match pair {
                    ["--base", revision] => base = Some(*revision),
                    ["--format", "text"] => format = Format::Text,
                    ["--format", "markdown"] => format = Format::Markdown,
                    _ => return None,
                }
            }
            Some(Command::Diff { base, format })
        }
        _ => None,
    }
}

fn diff(base: Option<&str>, format: Format) -> Result<ExitCode, String> {
    let report = api_diff::diff(&workspace_root(), base, format)?;
    // A closed stdout (`| head`) only loses the rest of the report.
    let _ = std::io::stdout().lock().write_all(report.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// The API change report from the module on disk to the one generated now, or
/// why there is none.
fn api_report(on_disk: &str, generated: &str) -> String {
    match api_diff::changes_between(on_disk, generated) {
        Ok(changes) => Report {
            from: format!("{GENERATED} on disk"),
            to: "openapi.yaml".into(),
            changes,
            version: api_diff::sdk_version(&workspace_root()),
        }
        .render(Format::Text),
        Err(why) => format!("no API change report: {why}\n"),
    }
}

fn codegen(check: bool) -> Result<ExitCode, String> {
    let started = Instant::now();
    let root = workspace_root();
    let spec = spec::load(&root.join("openapi.yaml")).map_err(|e| e.to_string())?;
    let generated = generate::generate(&spec).map_err(|e| format!("openapi.yaml: {e}"))?;
    let mocks =
        generate::httpmock(&spec).map_err(|e| format!("openapi.yaml: httpmock mocks: {e}"))?;
    let target = root.join(GENERATED);
    let mocks_target = root.join(GENERATED_HTTPMOCK);
    let lines = generated.code.lines().count();

    if check {
        let on_disk = std::fs::read_to_string(&target).ok();
        return Ok(
            match drift::diagnose(
                on_disk.as_deref(),
                &generated.code,
                drift::Stamp {
                    spec_sha256: &spec.sha256,
                    progenitor: generate::PROGENITOR_VERSION,
                    xtask: generate::XTASK_FINGERPRINT,
                },
            ) {
                // The mocks come from the same spec and generator as the
                // client: stale mocks are drift like a stale client.
                None if std::fs::read_to_string(&mocks_target).ok().as_deref()
                    != Some(mocks.as_str()) =>
                {
                    eprintln!(
                        "drift: {GENERATED_HTTPMOCK} differs from what openapi.yaml generates."
                    );
                    eprintln!("fix: run `cargo xtask codegen` and commit {GENERATED_HTTPMOCK}.");
                    ExitCode::FAILURE
                }
                None => {
                    println!(
                        "{GENERATED} ({lines} lines) and {GENERATED_HTTPMOCK} are up to date with openapi.yaml ({:.2?}).",
                        started.elapsed()
                    );
                    ExitCode::SUCCESS
                }
                Some(drift) => {
                    eprintln!("drift: {drift}.");
                    if let Some(on_disk) = on_disk {
                        eprintln!(
                            "first differences:\n{}",
                            drift::first_differences(&on_disk, &generated.code, 30)
                        );
                        if matches!(drift, drift::Drift::SpecChanged { .. }) {
                            eprint!("{}", api_report(&on_disk, &generated.code));
                        }
                    }
                    eprintln!("fix: run `cargo xtask codegen` and commit {GENERATED}.");
                    ExitCode::FAILURE
                }
            },
        );
    }

    let previous = std::fs::read_to_string(&target).ok();
    for (path, code) in [(&target, &generated.code), (&mocks_target, &mocks)] {
        std::fs::write(path, code).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    let report = format!(
        "generated {GENERATED} and {GENERATED_HTTPMOCK} from openapi.yaml (sha256 {}…) with progenitor {}\n  \
         operations generated: {}\n  types generated: {}\n  lines: {lines}\n\
         normalized in memory (openapi.yaml itself is never edited):\n{}done in {:.2?}\n",
        &spec.sha256[..12],
        generate::PROGENITOR_VERSION,
        generated.operations,
        generated.types,
        Summary(&generated.rewrites),
        started.elapsed()
    );
    let report = match previous.filter(|previous| *previous != generated.code) {
        Some(previous) => format!("{report}{}", api_report(&previous, &generated.code)),
        None => report,
    };
    // The file is written; a closed stdout (`| head`) only loses the report.
    let _ = std::io::stdout().lock().write_all(report.as_bytes());
    Ok(ExitCode::SUCCESS)
}

//! `cargo xtask codegen [--check]` and `cargo xtask diff`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use xtask::api_diff::{self, Format, Report};
use xtask::{drift, generate, normalize::Summary, safety, spec, split, workspace_root};

const USAGE: &str = "usage: cargo xtask codegen [--check]
       cargo xtask diff [--base <git revision>] [--format text|markdown]

  codegen           regenerate the generated files (types/src/generated/, sdk/src/generated/,
                    the classification table, the fake's request table) from openapi.yaml
  codegen --check   regenerate in memory and fail if a generated file differs
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

/// The generated module on disk in one piece, if all its parts are there.
fn module_on_disk(root: &std::path::Path) -> Option<String> {
    let texts: Vec<String> = split::PARTS
        .iter()
        .map(|path| std::fs::read_to_string(root.join(path)).ok())
        .collect::<Option<_>>()?;
    split::assemble(&std::array::from_fn(|i| texts[i].as_str())).ok()
}

/// The API change report from the module on disk to the one generated now, or
/// why there is none.
fn api_report(on_disk: &str, generated: &str) -> String {
    match api_diff::changes_between(on_disk, generated) {
        Ok(changes) => Report {
            from: "the generated files on disk".into(),
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
    let generated =
        generate::generate(&spec, &safety::EXCEPTIONS).map_err(|e| format!("openapi.yaml: {e}"))?;
    let lines: usize = generated
        .files
        .iter()
        .map(|(_, code)| code.lines().count())
        .sum();
    let files: Vec<(&str, &str)> = generated
        .files
        .iter()
        .map(|(path, code)| (*path, code.as_str()))
        .collect();
    let stamp = drift::Stamp {
        spec_sha256: &spec.sha256,
        progenitor: generate::PROGENITOR_VERSION,
        xtask: generate::XTASK_FINGERPRINT,
    };

    if check {
        for (path, fresh) in &files {
            let on_disk = std::fs::read_to_string(root.join(path)).ok();
            let Some(drift) = drift::diagnose(on_disk.as_deref(), fresh, stamp) else {
                continue;
            };
            eprintln!("drift: {path}: {drift}.");
            if let Some(on_disk) = on_disk {
                eprintln!(
                    "first differences:\n{}",
                    drift::first_differences(path, &on_disk, fresh, 30)
                );
            }
            if matches!(drift, drift::Drift::SpecChanged { .. })
                && let Some(module) = module_on_disk(&root)
            {
                eprint!("{}", api_report(&module, &generated.code));
            }
            eprintln!("fix: run `cargo xtask codegen` and commit the generated files.");
            return Ok(ExitCode::FAILURE);
        }
        let names: Vec<&str> = files.iter().map(|(path, _)| *path).collect();
        println!(
            "{} are up to date with openapi.yaml ({lines} lines, {:.2?}).",
            names.join(", "),
            started.elapsed()
        );
        return Ok(ExitCode::SUCCESS);
    }

    let previous = module_on_disk(&root);
    for (path, code) in &files {
        let target = root.join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|e| format!("{}: cannot create: {e}", folder.display()))?;
        }
        std::fs::write(&target, code)
            .map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
    }
    let report = format!(
        "generated {} from openapi.yaml (sha256 {}…) with progenitor {}\n  \
         operations generated: {}\n  types generated: {}\n  lines: {lines}\n\
         operations that may be retried (the GETs, with the exceptions below): {} of {}\n{}\
         normalized in memory (openapi.yaml itself is never edited):\n{}\
         refined after generation:\n{}done in {:.2?}\n",
        files
            .iter()
            .map(|(path, _)| *path)
            .collect::<Vec<_>>()
            .join(", "),
        &spec.sha256[..12],
        generate::PROGENITOR_VERSION,
        generated.operations,
        generated.types,
        generated.safe,
        generated.operations,
        safety::EXCEPTIONS,
        Summary(&generated.rewrites),
        generated.refined,
        started.elapsed()
    );
    let report = match previous.filter(|previous| *previous != generated.code) {
        Some(previous) => format!("{report}{}", api_report(&previous, &generated.code)),
        None => report,
    };
    // The files are written; a closed stdout (`| head`) only loses the report.
    let _ = std::io::stdout().lock().write_all(report.as_bytes());
    Ok(ExitCode::SUCCESS)
}

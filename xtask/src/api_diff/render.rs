//! The report as text (for the terminal and CI logs) or Markdown (a section
//! for CHANGELOG.md).

use super::change::{Change, Impact};
use super::semver;

/// Output format of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One line per change, for terminals and CI logs.
    Text,
    /// A CHANGELOG.md section.
    Markdown,
}

/// The changes between two versions of the generated API.
#[derive(Debug)]
pub struct Report {
    /// What the old side is (`openapi.yaml at 1a2b3c4d5e6f`).
    pub from: String,
    /// What the new side is (`the working tree`).
    pub to: String,
    /// The changes in report order.
    pub changes: Vec<Change>,
    /// The sdk crate's version now, for the bump.
    pub version: Option<String>,
}

impl Report {
    /// The most severe impact, `None` without changes.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.classify().0).max()
    }

    /// One line per change: `breaking  Client::x: … — reason`.
    pub fn lines(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|change| {
                let (impact, reason) = change.classify();
                format!(
                    "{impact}  {}: {} — {reason}",
                    change.subject(),
                    change.what()
                )
            })
            .collect()
    }

    /// The semver line.
    pub fn bump(&self) -> String {
        semver::bump(self.impact(), self.version.as_deref())
    }

    /// The whole report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.text(),
            Format::Markdown => self.markdown(),
        }
    }

    fn counts(&self) -> (usize, usize) {
        let breaking = self
            .changes
            .iter()
            .filter(|c| c.classify().0 == Impact::Breaking)
            .count();
        (breaking, self.changes.len() - breaking)
    }

    fn text(&self) -> String {
        let (breaking, additive) = self.counts();
        let mut out = format!(
            "API changes from {} to {}: {breaking} breaking, {additive} additive\n",
            self.from, self.to
        );
        for line in self.lines() {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!("semver: {}\n", self.bump()));
        out
    }

    fn markdown(&self) -> String {
        let mut out = format!(
            "### API changes\n\nFrom {} to {}. Semver: {}.\n",
            self.from,
            self.to,
            self.bump()
        );
        for (impact, title) in [(Impact::Breaking, "Breaking"), (Impact::Additive, "Added")] {
            let items: Vec<String> = self
                .changes
                .iter()
                .filter_map(|change| {
                    let (found, reason) = change.classify();
                    (found == impact).then(|| {
                        format!("- `{}`: {} — {reason}\n", change.subject(), change.what())
                    })
                })
                .collect();
            if !items.is_empty() {
                out.push_str(&format!("\n#### {title}\n\n{}", items.concat()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            from: "openapi.yaml at abc".into(),
            to: "the working tree".into(),
            changes: vec![
                Change::OperationAdded {
                    operation: "list_widgets".into(),
                    builder: "ListWidgets".into(),
                },
                Change::FieldRemoved {
                    name: "Widget".into(),
                    field: "size".into(),
                },
            ],
            version: Some("0.1.0".into()),
        }
    }

    #[test]
    fn text_has_a_summary_one_line_per_change_and_the_bump() {
        assert_eq!(
            report().render(Format::Text),
            "API changes from openapi.yaml at abc to the working tree: 1 breaking, 1 additive
  additive  Client::list_widgets: operation added (builder::ListWidgets) — a new method: existing code is unaffected
  breaking  types::Widget.size: field removed — code that reads or sets it stops compiling
semver: breaking: 0.1.0 → 0.2.0 (major once 1.0)
"
        );
    }

    #[test]
    fn markdown_groups_breaking_before_added() {
        assert_eq!(
            report().render(Format::Markdown),
            "### API changes

From openapi.yaml at abc to the working tree. Semver: breaking: 0.1.0 → 0.2.0 (major once 1.0).

#### Breaking

- `types::Widget.size`: field removed — code that reads or sets it stops compiling

#### Added

- `Client::list_widgets`: operation added (builder::ListWidgets) — a new method: existing code is unaffected
"
        );
    }
}

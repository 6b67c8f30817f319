//! The table view of a list: one row per item, a column per top-level scalar
//! field, personal data and secrets redacted by the SDK's classification.

use imprint::REDACTED;
use imprint_types::redact;
use serde_json::Value;

/// Whether the table shows personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Personal {
    /// Classified fields print as the SDK's redaction marker, and other text
    /// is masked as the SDK masks error text (emails, long digit runs).
    Redacted,
    /// `--reveal`: every value as the API sent it.
    Shown,
}

/// The most columns a table shows; the JSON output has every field.
const MAX_COLUMNS: usize = 8;

/// The longest cell, in characters.
const MAX_CELL: usize = 40;

/// `rows` as an aligned text table with a header line. Columns are the
/// scalar fields of the first item, `id` first, at most [`MAX_COLUMNS`].
pub fn render(rows: &[Value], personal: Personal) -> String {
    let columns = columns(rows.first());
    let mut lines: Vec<Vec<String>> = vec![columns.iter().map(|c| c.to_uppercase()).collect()];
    for row in rows {
        lines.push(
            columns
                .iter()
                .map(|column| cell(column, row.get(column), personal))
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| {
            lines
                .iter()
                .map(|line| line[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    lines
        .iter()
        .map(|line| {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            cells.join("  ").trim_end().to_string() + "\n"
        })
        .collect()
}

/// The first item's scalar fields, `id` first, the others in name order
/// (sorted here: a JSON object's order depends on serde_json's features).
fn columns(first: Option<&Value>) -> Vec<String> {
    let Some(Value::Object(fields)) = first else {
        return Vec::new();
    };
    let mut columns: Vec<String> = fields
        .iter()
        .filter(|(_, value)| !value.is_object() && !value.is_array())
        .map(|(name, _)| name.clone())
        .collect();
    columns.sort_by_key(|name| (name != "id", name.clone()));
    columns.truncate(MAX_COLUMNS);
    columns
}

/// One cell: the value as text, redacted when its field is classified.
fn cell(column: &str, value: Option<&Value>, personal: Personal) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let text = match personal {
        Personal::Shown => text,
        Personal::Redacted if !text.is_empty() && redact::is_classified(column) => {
            REDACTED.to_string()
        }
        Personal::Redacted => redact::mask_text(&text),
    };
    match text.char_indices().nth(MAX_CELL) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_fields_are_redacted_unless_revealed() {
        let rows = [
            json!({ "first_name": "Ada", "id": "c1", "email": "ada@example.com", "status": "ACTIVE", "address": { "city": "X" } }),
        ];
        assert_eq!(
            render(&rows, Personal::Redacted),
            format!("ID  EMAIL       FIRST_NAME  STATUS\nc1  {REDACTED}  {REDACTED}  ACTIVE\n")
        );
        assert_eq!(
            render(&rows, Personal::Shown),
            "ID  EMAIL            FIRST_NAME  STATUS\nc1  ada@example.com  Ada         ACTIVE\n"
        );
    }

    #[test]
    fn an_empty_list_is_an_empty_table() {
        assert_eq!(render(&[], Personal::Redacted), "\n");
    }
}

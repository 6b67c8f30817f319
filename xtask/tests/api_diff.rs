//! The API change report on spec pairs that go through the real normalize +
//! generate pipeline: a tiny fixture changed in one way per test, and the
//! vendored spec with a realistic edit.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;
use xtask::api_diff::{Impact, Report, Surface, compare};
use xtask::generate::generate;
use xtask::safety::Exceptions;
use xtask::spec::{self, Spec};

const FIXTURE: &str = "tests/fixtures/api_diff/widgets.yaml";

fn yaml(text: &str) -> Value {
    serde_norway::from_str(text).expect("test YAML parses")
}

fn fixture() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    spec::load(&path).expect("the fixture is a valid spec").doc
}

/// The API the pipeline generates from `doc`.
fn surface(doc: Value) -> Surface {
    let spec = Spec {
        doc,
        sha256: "0".repeat(64),
    };
    // The fixture has none of the operations the vendored spec's exceptions name.
    let generated = generate(&spec, &Exceptions::NONE).expect("the spec generates");
    Surface::parse(&generated.code).expect("generated code parses")
}

fn base() -> &'static Surface {
    static BASE: OnceLock<Surface> = OnceLock::new();
    BASE.get_or_init(|| surface(fixture()))
}

/// The report for the fixture changed by `edit`.
fn report_after(edit: impl FnOnce(&mut Value)) -> Report {
    let mut doc = fixture();
    edit(&mut doc);
    Report {
        from: "before".into(),
        to: "after".into(),
        changes: compare(base(), &surface(doc)),
        version: Some("0.1.0".into()),
    }
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} exists in the fixture"))
}

fn set(doc: &mut Value, pointer: &str, key: &str, value: &str) {
    at(doc, pointer)[key] = yaml(value);
}

fn push(doc: &mut Value, pointer: &str, value: &str) {
    at(doc, pointer)
        .as_array_mut()
        .expect("an array")
        .push(yaml(value));
}

fn remove(doc: &mut Value, pointer: &str, key: &str) {
    at(doc, pointer)
        .as_object_mut()
        .expect("a mapping")
        .remove(key)
        .expect("the key exists");
}

#[test]
fn an_added_operation_is_additive() {
    let report = report_after(|doc| {
        set(
            doc,
            "/paths",
            "/widgets/{widget_id}/archive",
            "post:
               operationId: archiveWidget
               parameters: [ { name: widget_id, in: path, required: true, schema: { type: string } } ]
               responses: { '204': { description: Archived } }",
        );
    });
    assert_eq!(
        report.lines(),
        [
            "additive  Client::archive_widget: operation added (builder::ArchiveWidget) — a new method: existing code is unaffected"
        ]
    );
    assert_eq!(report.bump(), "additive: 0.1.0 → 0.1.1 (minor once 1.0)");
}

#[test]
fn a_removed_operation_is_breaking() {
    let report = report_after(|doc| remove(doc, "/paths/~1widgets~1{widget_id}", "delete"));
    assert_eq!(
        report.lines(),
        [
            "breaking  Client::delete_widget: operation removed (builder::DeleteWidget) — calls to `Client::delete_widget` stop compiling"
        ]
    );
    assert_eq!(report.bump(), "breaking: 0.1.0 → 0.2.0 (major once 1.0)");
}

#[test]
fn a_new_required_query_parameter_is_breaking() {
    let report = report_after(|doc| {
        push(
            doc,
            "/paths/~1widgets/get/parameters",
            "{ name: color, in: query, required: true, schema: { $ref: '#/components/schemas/Color' } }",
        );
    });
    assert_eq!(
        report.lines(),
        [
            "breaking  Client::list_widgets: required parameter `color: Color` added — a new required builder parameter: existing calls fail at send time"
        ]
    );
}

#[test]
fn a_new_optional_query_parameter_is_additive() {
    let report = report_after(|doc| {
        push(
            doc,
            "/paths/~1widgets/get/parameters",
            "{ name: color, in: query, schema: { $ref: '#/components/schemas/Color' } }",
        );
    });
    assert_eq!(
        report.lines(),
        [
            "additive  Client::list_widgets: optional parameter `color: Color` added — a new optional builder parameter: existing calls are unaffected"
        ]
    );
}

#[test]
fn a_new_optional_body_field_is_additive() {
    let report = report_after(|doc| {
        set(
            doc,
            "/paths/~1widgets/post/requestBody/content/application~1json/schema/properties",
            "size",
            "{ type: integer }",
        );
    });
    assert_eq!(
        report.lines(),
        [
            "additive  types::CreateWidgetBody.size: optional field added (`Option<i64>`) — a new optional field: builders and code reading the type are unaffected"
        ]
    );
}

#[test]
fn a_new_required_body_field_is_breaking() {
    let report = report_after(|doc| {
        let body = "/paths/~1widgets/post/requestBody/content/application~1json/schema";
        set(
            doc,
            &format!("{body}/properties"),
            "size",
            "{ type: integer }",
        );
        push(doc, &format!("{body}/required"), "size");
    });
    assert_eq!(
        report.lines(),
        [
            "breaking  types::CreateWidgetBody.size: required field added (`i64`) — a new required field of a request type: existing builders fail at send time"
        ]
    );
}

/// `Widget` is only ever received: a field it always carries breaks no caller.
#[test]
fn a_new_required_field_of_a_response_type_is_additive() {
    let report = report_after(|doc| {
        set(
            doc,
            "/components/schemas/Widget/properties",
            "weight",
            "{ type: number }",
        );
        push(doc, "/components/schemas/Widget/required", "weight");
    });
    assert_eq!(
        report.lines(),
        [
            "additive  types::Widget.weight: required field added (`f64`) — a new field that callers never have to supply: existing code is unaffected"
        ]
    );
}

#[test]
fn a_retyped_field_is_breaking() {
    let report = report_after(|doc| {
        set(
            doc,
            "/components/schemas/Widget/properties",
            "size",
            "{ type: string }",
        );
    });
    assert_eq!(
        report.lines(),
        [
            "breaking  types::Widget.size: field retyped from `Option<i64>` to `Option<String>` — code that reads or sets it as the old type stops compiling"
        ]
    );
}

#[test]
fn a_field_made_required_is_breaking() {
    let report = report_after(|doc| push(doc, "/components/schemas/Widget/required", "size"));
    assert_eq!(
        report.lines(),
        [
            "breaking  types::Widget.size: field made required (`Option<i64>` → `i64`) — code that reads it as an `Option` stops compiling; builders that omit it fail"
        ]
    );
}

#[test]
fn an_added_enum_value_is_additive_because_generated_enums_are_open() {
    let report = report_after(|doc| push(doc, "/components/schemas/Color/enum", "BLUE"));
    assert_eq!(
        report.lines(),
        [
            "additive  types::Color: enum value \"BLUE\" added (::Blue) — the enum is #[non_exhaustive]: matches already have a wildcard arm"
        ]
    );
}

#[test]
fn a_removed_enum_value_is_breaking() {
    let report = report_after(|doc| {
        at(doc, "/components/schemas/Color/enum")
            .as_array_mut()
            .expect("an array")
            .retain(|value| value != "GREEN");
    });
    assert_eq!(
        report.lines(),
        [
            "breaking  types::Color: enum value \"GREEN\" removed (::Green) — code that names `Color::Green` stops compiling"
        ]
    );
}

#[test]
fn a_new_response_type_is_breaking_and_adds_the_type() {
    let report = report_after(|doc| {
        set(
            doc,
            "/components/schemas",
            "WidgetDetails",
            "{ type: object, required: [id], properties: { id: { type: string }, parts: { type: array, items: { type: string } } } }",
        );
        set(
            doc,
            "/paths/~1widgets~1{widget_id}/get/responses/200/content/application~1json",
            "schema",
            "{ $ref: '#/components/schemas/WidgetDetails' }",
        );
    });
    assert_eq!(
        report.lines(),
        [
            "breaking  Client::get_widget: response type changed from `Widget` to `WidgetDetails` — code that uses the response as the old type stops compiling",
            "additive  types::WidgetDetails: struct added — a new type: existing code is unaffected",
        ]
    );
    assert_eq!(report.impact(), Some(Impact::Breaking));
}

/// Both sides go through the normalizer, so a spec that only spells something
/// the way a pass rewrites it (3.0 `nullable` for a 3.1 type array, a `$ref`
/// without the siblings the pass drops) changes nothing in the API.
#[test]
fn what_the_normalizer_rewrites_alike_is_not_a_change() {
    let report = report_after(|doc| {
        set(
            doc,
            "/components/schemas/Widget/properties",
            "name",
            "{ type: string, nullable: true }",
        );
        set(
            doc,
            "/components/schemas/Widget/properties",
            "color",
            "{ $ref: '#/components/schemas/Color', description: The paint }",
        );
    });
    assert!(report.changes.is_empty(), "{:#?}", report.lines());
    assert_eq!(report.bump(), "no API change: the Rust API is the same");
}

/// The vendored spec with the kind of change Imprint makes: a new resource
/// with a list and a get operation, a new enum value, a removed field.
#[test]
fn a_realistic_edit_of_the_vendored_spec_is_reported_exactly() {
    let path = xtask::workspace_root().join("openapi.yaml");
    let before = spec::load(&path).expect("openapi.yaml loads").doc;
    let mut after = before.clone();
    set(
        &mut after,
        "/paths",
        "/v2/widgets",
        "get:
           operationId: listWidgets
           parameters:
             - { name: limit, $ref: '#/components/parameters/limitParam' }
             - { name: starting_after, $ref: '#/components/parameters/startingAfterParam' }
           responses:
             '200':
               description: Widgets
               content: { application/json: { schema: { $ref: '#/components/schemas/WidgetListResponse' } } }",
    );
    set(
        &mut after,
        "/paths",
        "/v2/widgets/{widget_id}",
        "get:
           operationId: getWidget
           parameters: [ { name: widget_id, in: path, required: true, schema: { type: string } } ]
           responses:
             '200':
               description: A widget
               content: { application/json: { schema: { $ref: '#/components/schemas/Widget' } } }
             '404':
               description: Not found
               content: { application/json: { schema: { $ref: '#/components/schemas/ApiError' } } }",
    );
    set(
        &mut after,
        "/components/schemas",
        "Widget",
        "{ type: object, required: [id], properties: { id: { type: string }, label: { type: string } } }",
    );
    set(
        &mut after,
        "/components/schemas",
        "WidgetListResponse",
        "{ type: object, properties: {
             data: { type: array, items: { $ref: '#/components/schemas/Widget' } },
             has_more: { type: boolean },
             total: { type: integer } } }",
    );
    push(
        &mut after,
        "/components/schemas/TransactionStatus/enum",
        "SETTLED",
    );
    remove(
        &mut after,
        "/components/schemas/Customer/properties",
        "preferred_language",
    );
    let report = Report {
        from: "openapi.yaml".into(),
        to: "the edit".into(),
        changes: compare(&surface(before), &surface(after)),
        version: Some("0.1.0".into()),
    };
    assert_eq!(
        report.lines(),
        [
            "additive  Client::get_widget: operation added (builder::GetWidget) — a new method: existing code is unaffected",
            "additive  Client::list_widgets: operation added (builder::ListWidgets) — a new method: existing code is unaffected",
            "breaking  types::Customer.preferred_language: field removed — code that reads or sets it stops compiling",
            "additive  types::TransactionStatus: enum value \"SETTLED\" added (::Settled) — the enum is #[non_exhaustive]: matches already have a wildcard arm",
            "additive  types::Widget: struct added — a new type: existing code is unaffected",
            "additive  types::WidgetListResponse: struct added — a new type: existing code is unaffected",
        ]
    );
    assert_eq!(report.bump(), "breaking: 0.1.0 → 0.2.0 (major once 1.0)");
}

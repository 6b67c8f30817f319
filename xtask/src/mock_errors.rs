//! Typed error replies in the generated httpmock mocks.
//!
//! progenitor gives each operation's `Then` one method per documented
//! response, but it sees the model after the normalizer folded the error
//! responses into the facade's one error path
//! ([`error_responses`](crate::normalize)), so only success replies are left,
//! and keeping the error responses in the model makes progenitor panic on
//! operations with several error schemas. This step reads the error responses
//! from the spec as published and adds them to each `Then` beside
//! progenitor's own: one method per documented status, named by its reason as
//! progenitor names them (`bad_request`, `not_found`, `conflict`) and taking
//! the documented schema's generated type. Every `Then` also gets what
//! Imprint's documentation promises beyond the spec: `too_many_requests` and
//! `api_error` with its error envelope (`ApiError`), and `header`, for
//! `Retry-After` or a request id.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::generate::FACADE_NAMES;
use crate::normalize::walk::{self, METHODS};

/// The component Imprint's documentation gives every error (`{"error": {"type",
/// "message"}}`): the body of the replies the spec does not document.
const ENVELOPE: &str = "ApiError";

/// One documented error response of an operation.
struct ErrorReply {
    /// The status (`404`), a class (`4XX`) or `default`.
    code: String,
    /// The spec's description of the response, on one line.
    description: String,
    /// The body: a component's generated type, any JSON for an inline
    /// schema, or none.
    body: Body,
}

enum Body {
    Component(String),
    Inline,
    None,
}

/// Adds the error replies of every operation of `doc` (the spec as published)
/// to the `Then` wrappers of `file` (progenitor's httpmock output).
pub fn add(file: &mut syn::File, doc: &Value) -> Result<(), String> {
    let envelope = doc
        .pointer(&format!("/components/schemas/{ENVELOPE}"))
        .is_some()
        .then(|| type_name(ENVELOPE));
    let operations = operations(doc);
    let module = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "operations" => module.content.as_mut(),
            _ => None,
        })
        .ok_or("the httpmock output has no `operations` module")?;
    for (operation, replies) in operations {
        let then = format!("{operation}-then").to_upper_camel_case();
        let block = module
            .1
            .iter_mut()
            .find_map(|item| match item {
                syn::Item::Impl(block) if is_impl_of(block, &then) => Some(block),
                _ => None,
            })
            .ok_or_else(|| {
                format!("operation `{operation}`: the httpmock output has no `{then}`")
            })?;
        let methods = methods(&operation, &replies, envelope.as_deref());
        let self_ty = &block.self_ty;
        let methods: syn::ItemImpl = syn::parse2(quote! { impl #self_ty { #methods } })
            .map_err(|e| format!("operation `{operation}`: error replies do not parse: {e}"))?;
        block.items.extend(methods.items);
    }
    Ok(())
}

fn is_impl_of(block: &syn::ItemImpl, name: &str) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(path) if path.path.is_ident(name))
}

/// Every operation of `doc` in the spec's order, with its error responses.
fn operations(doc: &Value) -> Vec<(String, Vec<ErrorReply>)> {
    let mut found = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flat_map(|paths| paths.values()) {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let responses = operation.get("responses").and_then(Value::as_object);
            // `default` alone is the operation's only reply, which progenitor
            // already gives; beside a success it is the errors'.
            let has_success = responses
                .into_iter()
                .flatten()
                .any(|(code, _)| code.starts_with('2'));
            let replies = responses
                .into_iter()
                .flatten()
                .filter(|(code, _)| is_error(code) && (has_success || *code != "default"))
                .map(|(code, response)| error_reply(doc, code, response))
                .collect();
            found.push((id.to_string(), replies));
        }
    }
    found
}

/// A 4xx or 5xx status or class, or `default`.
fn is_error(code: &str) -> bool {
    code == "default" || code.starts_with('4') || code.starts_with('5')
}

fn error_reply(doc: &Value, code: &str, response: &Value) -> ErrorReply {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => walk::resolve(doc, reference).unwrap_or(response),
        None => response,
    };
    let schema = response
        .get("content")
        .and_then(|content| content.get("application/json"))
        .and_then(|media| media.get("schema"));
    let body = match schema {
        None => Body::None,
        Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                Body::Component(type_name(reference.rsplit('/').next().unwrap_or(reference)))
            }
            None => Body::Inline,
        },
    };
    let description = response
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    ErrorReply {
        code: code.to_string(),
        description,
        body,
    }
}

/// The generated type of component `name`, as progenitor names it (a name
/// the facade exports takes `Body`).
fn type_name(name: &str) -> String {
    let name = name.to_upper_camel_case();
    if FACADE_NAMES.contains(&name.as_str()) {
        format!("{name}Body")
    } else {
        name
    }
}

/// The methods of one operation's `Then`.
fn methods(operation: &str, replies: &[ErrorReply], envelope: Option<&str>) -> TokenStream {
    let mut methods: Vec<TokenStream> = replies
        .iter()
        .map(|reply| documented(operation, reply))
        .collect();
    if let Some(envelope) = envelope {
        let envelope = format_ident!("{envelope}");
        if !replies.iter().any(|reply| reply.code == "429") {
            let doc = " Answers `429 Too Many Requests` with Imprint's error envelope \
                 (`ApiError`). The spec documents no rate limit; Imprint's \
                 documentation says to expect one: add `Retry-After` with \
                 [`header`](Self::header).";
            methods.push(quote! {
                #[doc = #doc]
                pub fn too_many_requests(self, value: &types::#envelope) -> Self {
                    Self(
                        self.0
                            .status(429u16)
                            .header("content-type", "application/json")
                            .json_body_obj(value),
                    )
                }
            });
        }
        let doc = format!(
            " Answers `status` with Imprint's error envelope (`ApiError`), the \
             shape its documentation gives every error: for a status \
             `{operation}` does not document (a `503` while Imprint is down)."
        );
        methods.push(quote! {
            #[doc = #doc]
            pub fn api_error(self, status: u16, value: &types::#envelope) -> Self {
                Self(
                    self.0
                        .status(status)
                        .header("content-type", "application/json")
                        .json_body_obj(value),
                )
            }
        });
    }
    methods.push(quote! {
        /// Adds a response header, such as `Retry-After` or a request id
        /// (`x-request-id`, which `imprint::Error::request_id` reads), to
        /// whichever reply this `Then` gives.
        pub fn header(self, name: &str, value: &str) -> Self {
            Self(self.0.header(name, value))
        }
    });
    quote! { #(#methods)* }
}

/// The method for one documented error response.
fn documented(operation: &str, reply: &ErrorReply) -> TokenStream {
    let (name, status_param, status, check) = match reply.code.as_str() {
        "default" => (
            "default_response".to_string(),
            Some(quote! { status: u16 }),
            quote! { status },
            quote! {},
        ),
        code => match code.parse::<u16>() {
            Ok(number) => (
                reason(number).to_snake_case(),
                None,
                quote! { #number },
                quote! {},
            ),
            Err(_) => {
                let class = u16::from(code.as_bytes()[0] - b'0');
                let name = if class == 4 {
                    "client_error"
                } else {
                    "server_error"
                };
                (
                    name.to_string(),
                    Some(quote! { status: u16 }),
                    quote! { status },
                    quote! { assert_eq!(status / 100u16, #class); },
                )
            }
        },
    };
    let name = format_ident!("{name}");
    let described = if reply.description.is_empty() {
        String::new()
    } else {
        format!(" ({})", reply.description)
    };
    let (value_param, value_use, what) = match &reply.body {
        Body::Component(type_name) => {
            let ident = format_ident!("{type_name}");
            (
                Some(quote! { value: &types::#ident }),
                quote! { .header("content-type", "application/json").json_body_obj(value) },
                format!("with the spec's `{type_name}` as its body"),
            )
        }
        Body::Inline => (
            Some(quote! { value: &::serde_json::Value }),
            quote! { .header("content-type", "application/json").json_body_obj(value) },
            "with a JSON body (the spec's schema for it is inline, so no type was generated)"
                .to_string(),
        ),
        Body::None => (None, quote! {}, "without a body".to_string()),
    };
    let doc = format!(
        " Answers `{}`{described} {what}, as the spec documents for `{operation}`.",
        reply.code
    );
    let params = [status_param, value_param].into_iter().flatten();
    quote! {
        #[doc = #doc]
        pub fn #name(self #(, #params)*) -> Self {
            #check
            Self(self.0.status(#status) #value_use)
        }
    }
}

/// The status's reason phrase, which names its method (`Not Found` →
/// `not_found`), as progenitor names the success replies.
fn reason(status: u16) -> String {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        423 => "Locked",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return format!("status {status}"),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;
    use crate::normalize::test_support::yaml;

    /// progenitor's output for `operations`, reduced to what this step reads.
    fn mocks(operations: &[&str]) -> syn::File {
        let thens = operations.iter().map(|operation| {
            let then = format_ident!("{}", format!("{operation}-then").to_upper_camel_case());
            quote! {
                pub struct #then(::httpmock::Then);
                impl #then {
                    pub fn into_inner(self) -> ::httpmock::Then { self.0 }
                }
            }
        });
        syn::parse2(quote! { pub mod operations { #(#thens)* } }).unwrap()
    }

    /// The signatures of `then`'s methods, as text.
    fn signatures(file: &syn::File, then: &str) -> Vec<String> {
        let syn::Item::Mod(module) = &file.items[0] else {
            panic!("no module");
        };
        module
            .content
            .as_ref()
            .unwrap()
            .1
            .iter()
            .find_map(|item| match item {
                syn::Item::Impl(block) if is_impl_of(block, then) => Some(block),
                _ => None,
            })
            .unwrap()
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Fn(method) => Some(method.sig.to_token_stream().to_string()),
                _ => None,
            })
            .collect()
    }

    const SPEC: &str = r##"
paths:
  /c/{id}/link:
    post:
      operationId: linkThing
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Link' } } } }
        '400': { description: bad, content: { application/json: { schema: { $ref: '#/components/schemas/ApiError' } } } }
        '404': { $ref: '#/components/responses/NotFound' }
        '409': { description: dup, content: { application/json: { schema: { type: object } } } }
        '429': { description: slow, content: { application/json: { schema: { $ref: '#/components/schemas/rate_limited' } } } }
        5XX: { description: down }
  /keys:
    post:
      operationId: createKey
      responses:
        '200': { description: ok }
        '401': { description: no key }
  /only:
    get:
      operationId: onlyDefault
      responses:
        default: { description: anything, content: { application/json: { schema: { $ref: '#/components/schemas/Link' } } } }
components:
  responses:
    NotFound: { description: gone, content: { application/json: { schema: { $ref: '#/components/schemas/ThingNotFoundError' } } } }
  schemas:
    ApiError: { type: object }
"##;

    #[test]
    fn documented_error_responses_become_typed_replies_named_by_their_reason() {
        let mut file = mocks(&["linkThing", "createKey", "onlyDefault"]);
        add(&mut file, &yaml(SPEC)).unwrap();
        assert_eq!(
            signatures(&file, "LinkThingThen"),
            [
                "fn into_inner (self) -> :: httpmock :: Then",
                "fn bad_request (self , value : & types :: ApiErrorBody) -> Self",
                "fn not_found (self , value : & types :: ThingNotFoundError) -> Self",
                "fn conflict (self , value : & :: serde_json :: Value) -> Self",
                // Documented, so typed as the spec says and not given twice.
                "fn too_many_requests (self , value : & types :: RateLimited) -> Self",
                "fn server_error (self , status : u16) -> Self",
                "fn api_error (self , status : u16 , value : & types :: ApiErrorBody) -> Self",
                "fn header (self , name : & str , value : & str) -> Self",
            ]
        );
        assert_eq!(
            signatures(&file, "CreateKeyThen"),
            [
                "fn into_inner (self) -> :: httpmock :: Then",
                "fn unauthorized (self) -> Self",
                "fn too_many_requests (self , value : & types :: ApiErrorBody) -> Self",
                "fn api_error (self , status : u16 , value : & types :: ApiErrorBody) -> Self",
                "fn header (self , name : & str , value : & str) -> Self",
            ]
        );
        // `default` is this operation's only reply, which progenitor gives.
        assert!(
            !signatures(&file, "OnlyDefaultThen")
                .iter()
                .any(|s| s.contains("default_response"))
        );
    }

    #[test]
    fn every_reply_has_rustdoc_naming_the_status_and_the_operation() {
        let mut file = mocks(&["linkThing", "createKey", "onlyDefault"]);
        add(&mut file, &yaml(SPEC)).unwrap();
        let text = prettyplease::unparse(&file);
        assert!(text.contains(
            "/// Answers `404` (gone) with the spec's `ThingNotFoundError` as its body, as the spec documents for `linkThing`."
        ), "{text}");
        assert!(text.contains(
            "/// Answers `401` (no key) without a body, as the spec documents for `createKey`."
        ));
        let methods = text.matches("fn ").count() - 3;
        let documented = text.matches("        ///").count();
        assert!(documented >= methods, "{text}");
    }

    #[test]
    fn an_operation_without_its_then_is_an_error_naming_it() {
        let mut file = mocks(&["linkThing", "onlyDefault"]);
        assert_eq!(
            add(&mut file, &yaml(SPEC)).unwrap_err(),
            "operation `createKey`: the httpmock output has no `CreateKeyThen`"
        );
    }
}

//! What a handler's generated describe function calls, and the public [`Responses`] trait.
//!
//! The generated code names each type of the handler once, as `Probe::<T>`, and calls one
//! method on `&&&Probe<T>`: method lookup picks the most specific implementation that
//! applies (autoref specialization), so `Json<T>` with `T: JsonSchema` gets its schema, a
//! `Json<T>` without one still documents a JSON body, and an extractor the document does
//! not know (`State<…>`, `HeaderMap`) adds nothing, all without a compile error.

use std::collections::BTreeSet;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// The two schema generators of one document: request types are described as they
/// deserialize, response types as they serialize (serde attributes can differ).
pub struct Generators {
    pub(crate) de: SchemaGenerator,
    pub(crate) ser: SchemaGenerator,
}

impl Generators {
    pub(crate) fn new() -> Self {
        let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        });
        Self {
            de: settings.clone().for_deserialize().into_generator(),
            ser: settings.for_serialize().into_generator(),
        }
    }
}

/// A security scheme a `#[middleware]` enforces: `#[security(bearer)]`,
/// `#[security(basic)]`, `#[security(header = "x-api-key")]`, `#[security(cookie = "session")]`,
/// `#[security(query = "api_key")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Bearer <token>`; `format` is a hint such as `"JWT"`.
    Bearer { format: Option<&'static str> },
    /// `Authorization: Basic …`.
    Basic,
    /// An API key in a header, a cookie or the query string.
    ApiKey {
        /// `"header"`, `"cookie"` or `"query"`.
        location: &'static str,
        /// The header, cookie or query parameter name.
        name: &'static str,
    },
}

impl Scheme {
    pub(crate) fn to_json(self) -> Value {
        match self {
            Scheme::Bearer { format } => {
                let mut scheme = json!({ "type": "http", "scheme": "bearer" });
                if let Some(format) = format {
                    scheme["bearerFormat"] = Value::from(format);
                }
                scheme
            }
            Scheme::Basic => json!({ "type": "http", "scheme": "basic" }),
            Scheme::ApiKey { location, name } => {
                json!({ "type": "apiKey", "in": location, "name": name })
            }
        }
    }
}

/// What a `#[middleware]` adds to every operation behind it. `#[middleware]` implements it
/// for each middleware it declares.
pub trait Middleware {
    /// The middleware's name, used as the security scheme's name.
    const NAME: &'static str;
    /// The scheme it enforces, from `#[security(…)]`.
    const SCHEME: Option<Scheme>;
    /// The answers it gives instead of running the handler (a provider's error type).
    fn describe(op: &mut Operation<'_>);
}

/// One framework answer an operation may give: its status and the shared response.
pub(crate) const ANSWERS: &[(u16, &str)] = &[
    (400, "BadRequest"),
    (401, "Unauthorized"),
    (404, "NotFound"),
    (405, "MethodNotAllowed"),
    (413, "PayloadTooLarge"),
    (415, "UnsupportedMediaType"),
    (422, "UnprocessableContent"),
    (500, "InternalServerError"),
];

/// What one handler says about itself, filled in by its generated describe function and
/// the [`Responses`] implementations of its return type.
pub struct Operation<'g> {
    gens: &'g mut Generators,
    pub(crate) module: &'static str,
    pub(crate) docs: &'static str,
    /// Path parameters the handler takes, with the schema of their type.
    pub(crate) params: Vec<(&'static str, Value, bool)>,
    pub(crate) query: Vec<Value>,
    pub(crate) body: Option<Map<String, Value>>,
    pub(crate) responses: Map<String, Value>,
    pub(crate) declared: bool,
    pub(crate) untyped: bool,
    pub(crate) error_default: bool,
    pub(crate) answers: BTreeSet<u16>,
    pub(crate) security: Vec<(&'static str, Scheme)>,
    /// A `#[server_fn]`'s name in camelCase (`runtime/src/server_fns.rs` sets it).
    pub(crate) server_fn: Option<&'static str>,
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Response")
}

impl<'g> Operation<'g> {
    pub(crate) fn new(gens: &'g mut Generators) -> Self {
        Self {
            gens,
            module: "",
            docs: "",
            params: Vec::new(),
            query: Vec::new(),
            body: None,
            responses: Map::new(),
            declared: false,
            untyped: false,
            error_default: false,
            answers: BTreeSet::new(),
            security: Vec::new(),
            server_fn: None,
        }
    }

    /// The schema of a request type (`Deserialize` contract), a `$ref` for named types.
    pub fn request_schema<T: JsonSchema + ?Sized>(&mut self) -> Schema {
        self.gens.de.subschema_for::<T>()
    }

    /// The schema of a response type (`Serialize` contract), a `$ref` for named types.
    pub fn response_schema<T: JsonSchema + ?Sized>(&mut self) -> Schema {
        self.gens.ser.subschema_for::<T>()
    }

    /// A response with `status` (`"200"`, `"default"`, `"2XX"`) and a body of `media_type`
    /// with `schema`, or no body. A status already described keeps its first description.
    pub fn response(&mut self, status: &str, media_type: Option<&str>, schema: Option<Schema>) {
        if self.responses.contains_key(status) {
            return;
        }
        let description = match status.parse::<u16>() {
            Ok(code) => reason(code).to_owned(),
            Err(_) if status == "default" => "Any other answer".to_owned(),
            Err(_) => format!("{status} answer"),
        };
        let mut response = json!({ "description": description });
        if let Some(media_type) = media_type {
            let schema = schema.map_or_else(|| json!({}), Schema::to_value);
            response["content"] = json!({ media_type: { "schema": schema } });
        }
        self.responses.insert(status.to_owned(), response);
    }

    /// `status` with a JSON body of type `T`.
    pub fn json_response<T: JsonSchema + ?Sized>(&mut self, status: &str) {
        let schema = self.response_schema::<T>();
        self.response(status, Some("application/json"), Some(schema));
    }

    /// The handler may answer an [`ApiError`](crate::ApiError) of any status.
    pub fn api_error(&mut self) {
        self.error_default = true;
    }

    /// The operation may give routekit's own answer with this status (`400`, `413`, …),
    /// described once under `components.responses`.
    pub fn answer(&mut self, status: u16) {
        self.answers.insert(status);
    }

    /// The return type says nothing about the answer.
    pub fn untyped(&mut self) {
        self.untyped = true;
    }

    #[doc(hidden)]
    pub fn module(&mut self, module: &'static str) {
        self.module = module;
    }

    #[doc(hidden)]
    pub fn docs(&mut self, docs: &'static str) {
        self.docs = docs;
    }

    fn path_param(&mut self, name: &'static str, schema: Value, rest: bool) {
        self.params.push((name, schema, rest));
        self.answer(400);
    }

    /// A catch-all parameter: always a string in the document, whatever its Rust type.
    #[doc(hidden)]
    pub fn rest_param(&mut self, name: &'static str) {
        self.path_param(name, json!({ "type": "string" }), true);
    }

    pub(crate) fn body(&mut self, media_type: &str, schema: Value, answers: &[u16]) {
        let body = self.body.get_or_insert_with(Map::new);
        body.insert(media_type.to_owned(), json!({ "schema": schema }));
        for &status in answers {
            self.answer(status);
        }
    }

    /// Each field of `schema` as a query parameter. `empty_is_absent`: the reader takes
    /// `?page=` as no `page` (`ValidQuery`), which OpenAPI says with `allowEmptyValue`.
    pub(crate) fn query_params(&mut self, schema: Schema, empty_is_absent: bool) {
        self.answer(400);
        let schema = schema.to_value();
        let resolved = self.resolve(&schema, true);
        let required: BTreeSet<&str> = resolved
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = resolved.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (name, property) in properties {
            let mut param = json!({
                "name": name,
                "in": "query",
                "required": required.contains(name.as_str()),
                "schema": property,
            });
            if let Some(description) = property.get("description") {
                param["description"] = description.clone();
            }
            if empty_is_absent {
                param["allowEmptyValue"] = Value::Bool(true);
            }
            self.query.push(param);
        }
    }

    /// A `$ref` into the request or response definitions, followed once.
    fn resolve(&self, schema: &Value, request: bool) -> Value {
        let gen = if request {
            &self.gens.de
        } else {
            &self.gens.ser
        };
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            Some(name) => gen.definitions().get(name).cloned().unwrap_or(Value::Null),
            None => schema.clone(),
        }
    }

    #[doc(hidden)]
    pub fn middleware<M: Middleware>(&mut self) {
        if let Some(scheme) = M::SCHEME {
            if !self.security.iter().any(|(name, _)| *name == M::NAME) {
                self.security.push((M::NAME, scheme));
            }
            self.answer(401);
        }
        M::describe(self);
    }

    #[doc(hidden)]
    pub fn declared(&mut self) {
        self.declared = true;
    }
}

/// A type's answers in the document: implemented for the return types routekit knows
/// (`Json<T>`, `Result<T, E>`, `(StatusCode, Json<T>)`, `ApiError`, …); implement it for
/// your own `IntoResponse` types. A return type without it is documented as "any answer".
pub trait Responses {
    fn describe(op: &mut Operation<'_>);
}

impl<T: JsonSchema> Responses for axum::Json<T> {
    fn describe(op: &mut Operation<'_>) {
        op.json_response::<T>("200");
    }
}

impl<T: JsonSchema> Responses for (http::StatusCode, axum::Json<T>) {
    fn describe(op: &mut Operation<'_>) {
        // The status is chosen at run time: any status may carry the body.
        op.json_response::<T>("default");
    }
}

impl<T: Responses, E: Responses> Responses for Result<T, E> {
    fn describe(op: &mut Operation<'_>) {
        T::describe(op);
        E::describe(op);
    }
}

impl Responses for crate::ApiError {
    fn describe(op: &mut Operation<'_>) {
        op.api_error();
    }
}

impl Responses for crate::ValidationError {
    fn describe(op: &mut Operation<'_>) {
        op.answer(400);
    }
}

impl Responses for crate::request::BodyError {
    fn describe(op: &mut Operation<'_>) {
        op.answer(400);
        op.answer(413);
        op.answer(415);
    }
}

impl Responses for crate::Response {
    fn describe(op: &mut Operation<'_>) {
        op.untyped();
    }
}

impl Responses for axum::response::Response {
    fn describe(op: &mut Operation<'_>) {
        op.untyped();
    }
}

impl Responses for () {
    fn describe(op: &mut Operation<'_>) {
        op.response("200", None, None);
    }
}

impl Responses for http::StatusCode {
    fn describe(op: &mut Operation<'_>) {
        op.response("default", None, None);
    }
}

impl Responses for String {
    fn describe(op: &mut Operation<'_>) {
        op.response(
            "200",
            Some("text/plain; charset=utf-8"),
            Some(schemars::json_schema!({ "type": "string" })),
        );
    }
}

impl Responses for &'static str {
    fn describe(op: &mut Operation<'_>) {
        String::describe(op);
    }
}

impl<T> Responses for axum::response::Html<T> {
    fn describe(op: &mut Operation<'_>) {
        op.response(
            "200",
            Some("text/html; charset=utf-8"),
            Some(schemars::json_schema!({ "type": "string" })),
        );
    }
}

/// A type named in generated code; the methods below are picked by how specific they are.
pub struct Probe<T: ?Sized>(PhantomData<fn() -> PhantomData<T>>);

impl<T: ?Sized> Probe<T> {
    pub const NEW: Self = Probe(PhantomData);
}

/// `#[body(T)]`: a JSON body the handler reads in its code (`req.json_valid::<T>()`).
pub struct InCode<T>(PhantomData<T>);
/// `#[body(T, form)]`: an urlencoded form the handler reads in its code.
pub struct InCodeForm<T>(PhantomData<T>);

pub(crate) const JSON_READER: &[u16] = &[400, 413, 415];
const AXUM_JSON: &[u16] = &[400, 413, 415, 422];

/// The traits of the three levels, imported by the generated code.
pub mod prelude {
    pub use super::{
        ArgAny as __RkArgAny, ArgSchema as __RkArgSchema, ArgSpec as __RkArgSpec,
        MiddlewareAny as __RkMiddlewareAny, MiddlewareSpec as __RkMiddlewareSpec,
        ParamAny as __RkParamAny, ParamSpec as __RkParamSpec, Probe as __RkProbe,
        ResponseAny as __RkResponseAny, ResponseSpec as __RkResponseSpec, RetAny as __RkRetAny,
        RetSpec as __RkRetSpec,
    };
}

/// A path parameter whose type has a schema.
pub trait ParamSpec {
    fn param(&self, op: &mut Operation<'_>, name: &'static str);
}
impl<T: JsonSchema> ParamSpec for &&Probe<T> {
    fn param(&self, op: &mut Operation<'_>, name: &'static str) {
        let schema = op.request_schema::<T>().to_value();
        op.path_param(name, schema, false);
    }
}
/// A path parameter parsed with `FromStr` alone: a string.
pub trait ParamAny {
    fn param(&self, op: &mut Operation<'_>, name: &'static str);
}
impl<T> ParamAny for Probe<T> {
    fn param(&self, op: &mut Operation<'_>, name: &'static str) {
        op.path_param(name, json!({ "type": "string" }), false);
    }
}

/// A handler argument the document knows, with the schema of its type.
pub trait ArgSpec {
    fn arg(&self, op: &mut Operation<'_>);
}
impl<T: JsonSchema> ArgSpec for &&Probe<axum::Json<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>().to_value();
        op.body("application/json", schema, AXUM_JSON);
    }
}
impl<T: JsonSchema> ArgSpec for &&Probe<InCode<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>().to_value();
        op.body("application/json", schema, JSON_READER);
    }
}
impl<T: JsonSchema> ArgSpec for &&Probe<InCodeForm<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>().to_value();
        op.body("application/x-www-form-urlencoded", schema, JSON_READER);
    }
}
impl<T: JsonSchema> ArgSpec for &&Probe<crate::Valid<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>().to_value();
        op.body("application/json", schema.clone(), JSON_READER);
        op.body("application/x-www-form-urlencoded", schema, JSON_READER);
    }
}
impl<T: JsonSchema> ArgSpec for &&Probe<axum::Form<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>().to_value();
        op.body("application/x-www-form-urlencoded", schema, AXUM_JSON);
    }
}
impl<T: JsonSchema> ArgSpec for &&Probe<axum::extract::Query<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>();
        op.query_params(schema, false);
    }
}
impl<T: JsonSchema> ArgSpec for &&Probe<crate::ValidQuery<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        let schema = op.request_schema::<T>();
        op.query_params(schema, true);
    }
}
impl ArgSpec for &&Probe<axum::extract::Multipart> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body(
            "multipart/form-data",
            json!({ "type": "object" }),
            JSON_READER,
        );
    }
}
impl ArgSpec for &&Probe<String> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body("text/plain", json!({ "type": "string" }), &[400, 413]);
    }
}
impl ArgSpec for &&Probe<bytes::Bytes> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body(
            "application/octet-stream",
            json!({ "type": "string", "contentMediaType": "application/octet-stream" }),
            &[413],
        );
    }
}

/// A body argument whose type has no schema: the media type without one.
pub trait ArgSchema {
    fn arg(&self, op: &mut Operation<'_>);
}
impl<T> ArgSchema for &Probe<axum::Json<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body("application/json", json!({}), AXUM_JSON);
    }
}
impl<T> ArgSchema for &Probe<InCode<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body("application/json", json!({}), JSON_READER);
    }
}
impl<T> ArgSchema for &Probe<crate::Valid<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body("application/json", json!({}), JSON_READER);
        op.body("application/x-www-form-urlencoded", json!({}), JSON_READER);
    }
}
impl<T> ArgSchema for &Probe<axum::Form<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.body("application/x-www-form-urlencoded", json!({}), AXUM_JSON);
    }
}
impl<T> ArgSchema for &Probe<axum::extract::Query<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.answer(400);
    }
}
impl<T> ArgSchema for &Probe<crate::ValidQuery<T>> {
    fn arg(&self, op: &mut Operation<'_>) {
        op.answer(400);
    }
}

/// Any other argument (`State<…>`, `HeaderMap`, `Ctx<…>`, `Request`): nothing to say.
pub trait ArgAny {
    fn arg(&self, op: &mut Operation<'_>);
}
impl<T> ArgAny for Probe<T> {
    fn arg(&self, _op: &mut Operation<'_>) {}
}

/// A return type with [`Responses`].
pub trait RetSpec {
    fn ret(&self, op: &mut Operation<'_>);
}
impl<T: Responses> RetSpec for &&Probe<T> {
    fn ret(&self, op: &mut Operation<'_>) {
        T::describe(op);
    }
}
/// Any other return type: the answer is not described.
pub trait RetAny {
    fn ret(&self, op: &mut Operation<'_>);
}
impl<T> RetAny for Probe<T> {
    fn ret(&self, op: &mut Operation<'_>) {
        op.untyped();
    }
}

/// `#[response(201, T)]` with `T: JsonSchema`.
pub trait ResponseSpec {
    fn response(&self, op: &mut Operation<'_>, status: &str);
}
impl<T: JsonSchema> ResponseSpec for &&Probe<T> {
    fn response(&self, op: &mut Operation<'_>, status: &str) {
        op.declared();
        op.json_response::<T>(status);
    }
}
/// `#[response(201, T)]` with a `T` that has no schema: a JSON body of any shape.
pub trait ResponseAny {
    fn response(&self, op: &mut Operation<'_>, status: &str);
}
impl<T> ResponseAny for Probe<T> {
    fn response(&self, op: &mut Operation<'_>, status: &str) {
        op.declared();
        op.response(status, Some("application/json"), None);
    }
}

/// A `#[middleware]` of the route's chain.
pub trait MiddlewareSpec {
    fn middleware(&self, op: &mut Operation<'_>);
}
impl<M: Middleware> MiddlewareSpec for &&Probe<(M,)> {
    fn middleware(&self, op: &mut Operation<'_>) {
        op.middleware::<M>();
    }
}
/// Anything else in the list: the route's own checks report it, the document adds nothing.
pub trait MiddlewareAny {
    fn middleware(&self, op: &mut Operation<'_>);
}
impl<M> MiddlewareAny for Probe<M> {
    fn middleware(&self, _op: &mut Operation<'_>) {}
}

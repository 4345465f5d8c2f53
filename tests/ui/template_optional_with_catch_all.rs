use routekit::prelude::*;

// With `lang` absent, the catch-all would start where `lang` stands: no router can tell
// `/en/a/b` (lang = en) from `/en/a/b` (slug = en/a/b).
#[route(GET, "/{-$lang}/[...slug]")]
async fn docs(lang: Option<String>, slug: Vec<String>) -> Response {
    Response::json(&serde_json::json!({ "lang": lang, "slug": slug }))
}

fn main() {}

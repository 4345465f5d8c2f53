use super::*;

#[test]
fn paths_and_params() {
    assert_eq!(openapi_path("/docs/{*slug}"), "/docs/{slug}");
    assert_eq!(
        path_params("/a/{id}/b/{*rest}"),
        vec![("id", false), ("rest", true)]
    );
    assert_eq!(
        path_params("/posts/post-{id}/{name}.json"),
        vec![("id", false), ("name", false)]
    );
    static POST: RouteInfo = RouteInfo {
        template: "/posts/post-{$id}/$slug",
        paths: &["/posts/{id}/{slug}"],
        patterns: &["/posts/post-{id}/{slug}"],
        affixes: &[crate::routes::AffixTable {
            segments: 4,
            entries: &[(2, "post-", "")],
        }],
        name: "post",
        kind: RouteKind::Function,
        file: "src/posts.rs",
        line: 1,
        middleware: &[],
        methods: &[],
    };
    assert_eq!(affix_of(&POST, 0, "id"), Some(("post-", "")));
    assert_eq!(affix_of(&POST, 0, "slug"), None);
}

#[test]
fn a_module_repeated_in_a_row_tags_once() {
    static FUNCTION: RouteInfo = RouteInfo {
        template: "/admin/users",
        paths: &["/admin/users"],
        patterns: &["/admin/users"],
        affixes: &[],
        name: "users",
        kind: RouteKind::Function,
        file: "src/admin.rs",
        line: 1,
        middleware: &[],
        methods: &[],
    };
    // `#[group("/admin")] pub mod admin { … }` in `src/admin.rs`.
    assert_eq!(
        tag(&FUNCTION, "todo::admin::admin"),
        Some("admin".to_owned())
    );
    assert_eq!(
        tag(&FUNCTION, "blog::api::users"),
        Some("api::users".to_owned())
    );
    assert_eq!(tag(&FUNCTION, "blog"), None);
}

#[test]
fn docs_split_into_summary_and_description() {
    assert_eq!(
        summary_and_description("Lists posts,\nnewest first.\n\nNeeds a token."),
        (
            Some("Lists posts, newest first.".to_owned()),
            Some("Needs a token.".to_owned())
        )
    );
    assert_eq!(summary_and_description("  "), (None, None));
}

#[test]
fn response_renames_follow_references() {
    let mut schemas = Map::new();
    let requests: Map<String, Value> =
        serde_json::from_value(json!({ "User": { "type": "object", "required": ["name"] } }))
            .unwrap();
    let responses: Map<String, Value> = serde_json::from_value(json!({
        "User": { "type": "object" },
        "Page": { "properties": { "items": { "$ref": "#/components/schemas/User" } } }
    }))
    .unwrap();
    let mut paths = BTreeMap::new();
    merge_definitions(&mut schemas, requests, responses, &mut paths);
    assert!(schemas.contains_key("UserResponse"));
    assert_eq!(
        schemas["Page"]["properties"]["items"]["$ref"],
        "#/components/schemas/UserResponse"
    );
}

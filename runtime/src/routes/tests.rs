use super::{format_route_table, shape, RouteEntry};

fn row(method: &'static str, middleware: Vec<&'static str>, handler: &str) -> RouteEntry {
    RouteEntry {
        method,
        template: "/api/posts/$id",
        path: "/api/posts/{id}",
        handler: handler.to_owned(),
        middleware,
        location: "src/posts.rs:12".to_owned(),
        automatic: false,
    }
}

#[test]
fn table_columns_are_as_wide_as_their_longest_cell() {
    let rows = [
        row("GET", vec![], "item::GET"),
        row("PATCH", vec!["auth", "logger", "validation"], "item::PATCH"),
    ];
    let table = format_route_table(&rows);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3);
    // The HANDLER column starts at the same character on every line.
    let column = |line: &str, needle: &str| {
        let byte = line.find(needle).unwrap();
        line[..byte].chars().count()
    };
    let handler = column(lines[0], "HANDLER");
    assert_eq!(column(lines[1], "item::GET"), handler, "{table}");
    assert_eq!(column(lines[2], "item::PATCH"), handler, "{table}");
    assert!(
        lines[2].contains("auth → logger → validation  item::PATCH"),
        "{table}"
    );
    assert!(
        lines[1].contains("  -  "),
        "an empty chain prints `-`: {table}"
    );
}

#[test]
fn shape_blanks_parameter_names() {
    assert_eq!(shape("/a/{id}/b/{*rest}"), "/a/{}/b/{*}");
    assert_eq!(shape("/a/{id}"), shape("/a/{slug}"));
    assert_ne!(shape("/a/{id}"), shape("/a/{id}.txt"));
}

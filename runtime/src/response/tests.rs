use super::*;
use futures_util::stream;
use http_body_util::BodyExt;

async fn parts(response: Response) -> (StatusCode, HeaderMap, String) {
    let response = response.into_response();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTENT_TYPE).map(|v| v.to_str().unwrap())
}

const INTERNAL: &str = r#"{"error":"Internal server error"}"#;

#[tokio::test]
async fn new_types_text_bodies_only() {
    let (status, headers, body) = parts(Response::new("hi")).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (StatusCode::OK, Some(TEXT_PLAIN), "hi")
    );
    let (_, headers, _) = parts(Response::new(String::from("hi"))).await;
    assert_eq!(content_type(&headers), Some(TEXT_PLAIN));
    for response in [
        Response::new(vec![1u8, 2]),
        Response::new(Bytes::from_static(b"\x01\x02")),
        Response::new(Body::from("x")),
    ] {
        let (status, headers, _) = parts(response).await;
        assert_eq!((status, content_type(&headers)), (StatusCode::OK, None));
    }
    let (status, headers, body) = parts(Response::new(())).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (StatusCode::OK, None, "")
    );
}

#[tokio::test]
async fn json_with_status() {
    let response = Response::json(&serde_json::json!({"id": 1})).status(201);
    assert_eq!(response.status_code(), StatusCode::CREATED);
    let (status, headers, body) = parts(response).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (StatusCode::CREATED, Some(APPLICATION_JSON), r#"{"id":1}"#)
    );
}

#[tokio::test]
async fn json_that_fails_to_serialize_is_500() {
    let map = std::collections::HashMap::from([((1, 2), 3)]);
    let (status, _, body) = parts(Response::json(&map)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
    );
}

#[tokio::test]
async fn text_html_xml() {
    for (response, expected) in [
        (Response::text("t"), TEXT_PLAIN),
        (Response::html(String::from("<p>")), TEXT_HTML),
        (Response::xml("<rss/>"), TEXT_XML),
    ] {
        let (status, headers, _) = parts(response).await;
        assert_eq!(
            (status, content_type(&headers)),
            (StatusCode::OK, Some(expected))
        );
    }
    let (_, _, body) = parts(Response::xml("<rss/>")).await;
    assert_eq!(body, "<rss/>");
}

#[tokio::test]
async fn empty_is_204() {
    let (status, headers, body) = parts(Response::empty()).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (StatusCode::NO_CONTENT, None, "")
    );
}

#[tokio::test]
async fn redirects() {
    let (status, headers, _) = parts(Response::redirect("/login?next=/caf\u{e9}")).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(headers[LOCATION], "/login?next=/caf%C3%A9");
    let (status, headers, _) = parts(Response::redirect_with("/new", 308)).await;
    assert_eq!(
        (status, &headers[LOCATION]),
        (
            StatusCode::PERMANENT_REDIRECT,
            &HeaderValue::from_static("/new")
        )
    );
    let (status, _, _) = parts(Response::redirect_with("/x", StatusCode::SEE_OTHER)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn redirect_with_non_redirect_status_is_500() {
    for response in [
        Response::redirect_with("/x", 200),
        Response::redirect_with("/x", 1000),
        Response::redirect("/a\r\nSet-Cookie: x=1"),
    ] {
        assert!(response.headers().is_none());
        let (status, headers, body) = parts(response).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
        );
        assert!(headers.get(LOCATION).is_none() && headers.get(SET_COOKIE).is_none());
    }
}

#[tokio::test]
async fn error_is_json() {
    let (status, headers, body) = parts(Response::error(404, "Not found")).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (
            StatusCode::NOT_FOUND,
            Some(APPLICATION_JSON),
            r#"{"error":"Not found"}"#
        )
    );
    let (status, _, body) =
        parts(Response::error(StatusCode::CONFLICT, String::from("taken"))).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::CONFLICT, r#"{"error":"taken"}"#)
    );
}

#[tokio::test]
async fn header_sets_and_accepts_owned_and_typed_values() {
    let response = Response::text("x")
        .header("x-a", "1")
        .header("x-a", String::from("2"))
        .header(
            HeaderName::from_static("x-b"),
            HeaderValue::from_static("3"),
        )
        .header(String::from("content-type"), "text/csv");
    let headers = response.headers().unwrap();
    assert_eq!(headers.get_all("x-a").iter().collect::<Vec<_>>(), ["2"]);
    assert_eq!(
        (&headers["x-b"], &headers[CONTENT_TYPE]),
        (
            &HeaderValue::from_static("3"),
            &HeaderValue::from_static("text/csv")
        )
    );
}

#[tokio::test]
async fn header_with_line_break_is_500_and_not_sent() {
    let response = Response::text("x")
        .header("x-injected", "a\r\nb")
        .header("x-after", "1");
    assert_eq!(response.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    let (status, headers, body) = parts(response).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
    );
    assert!(headers.get("x-injected").is_none() && headers.get("x-after").is_none());
    let (status, _, _) = parts(Response::text("x").header("bad name", "1")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn status_outside_range_is_500() {
    let (status, _, body) = parts(Response::text("x").status(1000)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
    );
    let (status, _, _) = parts(Response::text("x").status(99)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    // A later valid step does not repair the response.
    let (status, _, _) = parts(Response::text("x").status(1000).status(200)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn cookies_append_set_cookie() {
    let session = cookie::Cookie::build(("session", "a b;c"))
        .path("/")
        .http_only(true)
        .build();
    let response = Response::empty().cookie(session).cookie(("theme", "dark"));
    let headers = response.headers().unwrap();
    let values: Vec<_> = headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        values,
        ["session=a%20b%3Bc; HttpOnly; Path=/", "theme=dark"]
    );

    let bad = cookie::Cookie::build(("a", "1")).path("/\r\nx: y").build();
    let (status, headers, _) = parts(Response::empty().cookie(bad)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(headers.get(SET_COOKIE).is_none());
}

#[tokio::test]
async fn cookie_attributes_cannot_smuggle_attributes() {
    let smuggled = [
        cookie::Cookie::build(("sid", "1"))
            .path("/x; Domain=evil.example")
            .build(),
        cookie::Cookie::build(("sid", "1"))
            .domain("example.com; SameSite=None")
            .build(),
        cookie::Cookie::build(("sid", "1")).path("/a,b").build(),
        cookie::Cookie::build(("sid", "1")).path("/a\tb").build(),
        cookie::Cookie::build(("sid", "1"))
            .domain("é.example")
            .build(),
    ];
    for cookie in smuggled {
        let shown = cookie.to_string();
        let response = Response::empty().cookie(cookie);
        assert!(
            format!("{response:?}").contains("attribute"),
            "{shown}: {response:?}"
        );
        let (status, headers, body) = parts(response).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
        );
        assert!(headers.get(SET_COOKIE).is_none(), "{shown}");
    }
    // Name and value are encoded, so they cannot smuggle anything.
    let response = Response::empty().cookie(("a;b, c", "v; Domain=evil.example\t"));
    let value = response.headers().unwrap()[SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(value, "a%3Bb%2C%20c=v%3B%20Domain%3Devil.example%09");
    let fine = cookie::Cookie::build(("sid", "1"))
        .path("/app")
        .domain("example.com")
        .build();
    assert_eq!(
        Response::empty().cookie(fine).status_code(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn stream_body_is_collected() {
    let chunks = stream::iter([Ok::<_, std::io::Error>("a"), Ok("b"), Ok("c")]);
    let (status, headers, body) = parts(Response::stream(chunks)).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (StatusCode::OK, None, "abc")
    );
}

#[tokio::test]
async fn sse_is_event_stream() {
    let events = stream::iter([Ok::<_, std::convert::Infallible>(
        Event::default().data("hi"),
    )]);
    let (status, headers, body) = parts(Response::sse(events)).await;
    assert_eq!(
        (status, content_type(&headers), body.as_str()),
        (StatusCode::OK, Some("text/event-stream"), "data: hi\n\n")
    );
}

#[tokio::test]
async fn converts_to_and_from_http() {
    let http_response = http::Response::builder()
        .status(418)
        .body(Body::from("tea"))
        .unwrap();
    let response = Response::from(http_response).header("x-a", "1");
    let back: http::Response<Body> = response.into();
    assert_eq!(
        (back.status(), &back.headers()["x-a"]),
        (StatusCode::IM_A_TEAPOT, &HeaderValue::from_static("1"))
    );
    assert!(format!("{:?}", Response::text("x").status(1000)).contains("outside"));
}

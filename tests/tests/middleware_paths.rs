//! A `#[middleware]` named by a path with `::` (`mw::tag`) in every kind of list: it is
//! looked up through an import (`listed.rs`), as a bare name is, and runs.

use routekit::prelude::*;
use routekit::test::TestClient;

mod mw {
    use routekit::prelude::*;

    #[middleware]
    pub async fn tag(req: Request, next: Next) -> Response {
        next.run(req).await.header("x-tag", "mw::tag")
    }

    #[middleware]
    pub async fn app_tag(req: Request, next: Next) -> Response {
        next.run(req).await.header("x-app", "mw::app_tag")
    }
}

#[route(GET, "/paths/fn")]
#[middleware(mw::tag)]
async fn function_form() -> Response {
    Response::text("fn")
}

#[route("/paths/module")]
#[middleware(crate::mw::tag)]
mod module_form {
    use super::*;

    pub async fn GET() -> Response {
        Response::text("module")
    }
}

#[tokio::test]
async fn a_path_to_a_middleware_runs_in_each_list() {
    let client = TestClient::new(routes![middleware(mw::app_tag); function_form, module_form]);
    for (uri, body) in [("/paths/fn", "fn"), ("/paths/module", "module")] {
        let res = client.get(uri).send().await;
        assert_eq!(res.text(), body);
        assert_eq!(res.header("x-tag"), Some("mw::tag"), "{uri}");
        assert_eq!(res.header("x-app"), Some("mw::app_tag"), "{uri}");
    }
}

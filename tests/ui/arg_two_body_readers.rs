use routekit::prelude::*;

#[route(POST, "/api/users")]
async fn create(req: Request, body: Json<serde_json::Value>) -> Response {
    let _ = (req, body);
    Response::empty()
}

fn main() {}

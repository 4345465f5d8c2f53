use routekit::prelude::*;

// `String` reads the body, in a middleware as in a handler: one list of body readers.
#[middleware]
async fn peek(body: String) -> Result<(), ApiError> {
    let _ = body;
    Ok(())
}

fn main() {}

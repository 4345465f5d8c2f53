use routekit::prelude::*;

#[derive(Clone)]
struct Db;

// A middleware with arguments runs as a layer, without the app's state: pass the
// database as an `#[arg]` instead.
#[middleware]
async fn limit(#[arg] per_second: u32, State(db): State<Db>) -> Result<(), ApiError> {
    let _ = (per_second, db);
    Ok(())
}

fn main() {}

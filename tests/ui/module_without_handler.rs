use routekit::prelude::*;

#[route("/x")]
mod x {
    #[allow(dead_code)]
    fn helper() {}
}

fn main() {}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = middleware_example::app(middleware_example::AppState::default());
    routekit::serve(app, "127.0.0.1:3000").await
}

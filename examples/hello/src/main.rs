#[tokio::main]
async fn main() -> std::io::Result<()> {
    routekit::serve(hello::app(), "127.0.0.1:3000").await
}

//! Out of file descriptors (`EMFILE`), the accept loop pauses and retries with a growing
//! pause instead of spinning, and serves again once descriptors are free.
//!
//! Alone in its own test binary: it lowers the process's open-file limit.

#![cfg(target_os = "linux")]

mod serve_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use routekit::prelude::*;
use serve_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

static ACCEPT_ERRORS: AtomicUsize = AtomicUsize::new(0);

struct Capture;

struct Message(bool);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}").starts_with("accept error") {
            self.0 = true;
        }
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("routekit")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut message = Message(false);
        event.record(&mut message);
        if message.0 {
            ACCEPT_ERRORS.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[route("/emfile/ping")]
mod emfile_ping {
    use super::*;
    pub async fn GET() -> Response {
        Response::text("pong")
    }
}

fn nofile() -> libc::rlimit {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    assert_eq!(
        unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
        0
    );
    limit
}

fn set_nofile(limit: libc::rlimit) {
    // SAFETY: setrlimit reads the struct it is given.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) }, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_descriptors_the_accept_loop_backs_off_and_recovers() {
    tracing::subscriber::set_global_default(Capture).unwrap();
    let server = start(routes![emfile_ping], |s| {
        // The cap is not what stops it here, and idle connections stay open.
        s.max_connections(100_000)
            .header_read_timeout(Duration::from_secs(60))
    })
    .await;
    assert_eq!(get(server.addr, "/emfile/ping").await.body, "pong");

    // Room for about 60 more descriptors, all taken by files but one, which a client's
    // connection takes: it waits in the backlog, and accepting it needs a descriptor there
    // is none of.
    let original = nofile();
    let open = std::fs::read_dir("/proc/self/fd").unwrap().count() as u64;
    set_nofile(libc::rlimit {
        rlim_cur: open + 60,
        rlim_max: original.rlim_max,
    });
    let mut files = Vec::new();
    loop {
        match std::fs::File::open("/dev/null") {
            Ok(file) => files.push(file),
            Err(error) => {
                assert_eq!(error.raw_os_error(), Some(libc::EMFILE), "{error}");
                break;
            }
        }
        assert!(files.len() < 1000, "the lowered limit did not apply");
    }
    files.pop();
    let mut queued = TcpStream::connect(server.addr).await.unwrap();

    // A second out of descriptors: the loop retries with a growing pause (5, 10, 20 ... ms:
    // about 8 tries a second), not thousands of times.
    let before = ACCEPT_ERRORS.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let errors = ACCEPT_ERRORS.load(Ordering::SeqCst) - before;
    assert!(errors <= 12, "{errors} accept errors in a second: spinning");
    assert!(
        ACCEPT_ERRORS.load(Ordering::SeqCst) >= 1,
        "the accept loop never ran out of descriptors"
    );

    // Descriptors free again: the server accepts the queued connection and answers it.
    drop(files);
    set_nofile(original);
    queued
        .write_all(b"GET /emfile/ping HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(BOUND, queued.read_to_end(&mut raw))
        .await
        .expect("served once descriptors are free")
        .unwrap();
    assert_eq!(parse(&raw).body, "pong");
    assert_eq!(get(server.addr, "/emfile/ping").await.body, "pong");
    server.shutdown().await;
}

//! The socket of one connection, with two deadlines hyper does not have:
//!
//! - **write timeout**: a write (or flush) that makes no progress for the timeout fails, so
//!   a client that stops reading a streamed or SSE response is dropped instead of holding
//!   its connection and its handler's stream forever. The clock starts when a write would
//!   block and stops as soon as any byte goes out; a stream that is quiet because it has
//!   nothing to send is not affected.
//! - **header-read deadline** ([`super::deadline`]): while it runs (from the connection's
//!   start until a request's head has arrived, and again after each HTTP/1.1 response), a
//!   read that waits registers the connection's task to be woken when it passes, and every
//!   read after that fails. Once the first bytes show HTTP/2 (the whole 24-byte preface), the
//!   deadline stops for good: HTTP/2 pings watch the connection from there.
//!
//! The write timer is allocated only when a write would block, at most once per connection.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use super::deadline::HeaderDeadline;

/// What an HTTP/2 client sends first (RFC 9113 §3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

pub(crate) struct Io {
    stream: TcpStream,
    /// Bytes of the HTTP/2 preface matched so far; `None` once the protocol is known.
    preface: Option<usize>,
    header: Arc<HeaderDeadline>,
    write_timeout: Duration,
    write_timer: Option<Pin<Box<Sleep>>>,
    /// Whether `write_timer` is running for the write that is blocked now.
    write_blocked: bool,
}

impl Io {
    pub(crate) fn new(
        stream: TcpStream,
        header: Arc<HeaderDeadline>,
        write_timeout: Duration,
    ) -> Self {
        Self {
            stream,
            preface: Some(0),
            header,
            write_timeout,
            write_timer: None,
            write_blocked: false,
        }
    }

    /// Applies the write deadline to the outcome of a write-side call.
    fn watch_write<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.write_blocked = false;
            return poll;
        }
        let deadline = Instant::now() + self.write_timeout;
        let timer = match &mut self.write_timer {
            Some(timer) => {
                if !self.write_blocked {
                    timer.as_mut().reset(deadline);
                }
                timer
            }
            None => self
                .write_timer
                .insert(Box::pin(tokio::time::sleep_until(deadline))),
        };
        self.write_blocked = true;
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "write timeout: the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.header.expired() {
            return Poll::Ready(Err(header_timeout()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if let Some(matched) = this.preface {
                    let new = &buf.filled()[before..];
                    let take = new.len().min(H2_PREFACE.len() - matched);
                    let end = matched + take;
                    this.preface = if new.is_empty() || new[..take] != H2_PREFACE[matched..end] {
                        // EOF or not a preface: HTTP/1.1, whose requests clear the deadline.
                        None
                    } else if end == H2_PREFACE.len() {
                        this.header.stop();
                        None
                    } else {
                        Some(end)
                    };
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => {
                // Registered on every waiting read, armed or not: hyper polls the socket
                // while a request is in flight and then waits on that same registration
                // once the answer is out, so the deadline armed then must be able to wake
                // it. (The same task each time: no waker clone, a compare-and-swap.)
                this.header.register(cx.waker());
                // Registered before the check: a sweep in between is not missed.
                if this.header.expired() {
                    return Poll::Ready(Err(header_timeout()));
                }
                Poll::Pending
            }
        }
    }
}

fn header_timeout() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "header read timeout: no complete request from the client in time",
    )
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch_write(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch_write(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_flush(cx);
        this.watch_write(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_shutdown(cx);
        this.watch_write(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::deadline::Deadlines;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A server-side `Io` and the client's end of its socket.
    async fn pair(header: Arc<HeaderDeadline>) -> (Io, TcpStream) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (Io::new(server, header, Duration::from_secs(30)), client)
    }

    #[tokio::test]
    async fn a_whole_http2_preface_stops_the_deadline_and_http1_keeps_it() {
        let deadlines = Deadlines::new(Duration::from_secs(10));
        let mut buf = [0u8; 64];

        // The preface in two pieces: only the second, completing it, stops the deadline.
        let h2 = deadlines.watch();
        let (mut io, mut client) = pair(h2.clone()).await;
        client.write_all(&H2_PREFACE[..10]).await.unwrap();
        let _ = io.read(&mut buf).await.unwrap();
        assert!(h2.armed());
        client.write_all(&H2_PREFACE[10..]).await.unwrap();
        let _ = io.read(&mut buf).await.unwrap();
        assert!(!h2.armed());
        // Later re-arming (an answer going out) does not start it again.
        h2.arm();
        assert!(!h2.armed());

        // HTTP/1.1: the deadline runs until the connection's service clears it.
        let h1 = deadlines.watch();
        let (mut io, mut client) = pair(h1.clone()).await;
        client.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let _ = io.read(&mut buf).await.unwrap();
        assert!(h1.armed());
    }

    #[tokio::test]
    async fn a_read_waiting_past_the_deadline_is_woken_and_fails() {
        let deadlines = Deadlines::new(Duration::from_millis(100));
        let sweep = tokio::spawn(deadlines.clone().sweep());
        let header = deadlines.watch();
        let (mut io, _client) = pair(header).await;
        let mut buf = [0u8; 64];
        let started = std::time::Instant::now();
        let read = tokio::time::timeout(Duration::from_secs(10), io.read(&mut buf))
            .await
            .expect("woken by the sweep, not left waiting");
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(100));
        sweep.abort();
    }
}

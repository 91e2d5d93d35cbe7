//! How long and how much one client may take of the platform (issue 11 item 5): a TLS
//! handshake and a request's headers within seconds, a whole request within a minute, a cap on
//! open connections and on requests handled at once. A slow client (slowloris: a handshake or
//! headers trickled in, a connection held open idle) is closed instead of holding a slot; a
//! flood waits its turn instead of starving the database.
//!
//! The per-address limits of the public pages live with them ([`crate::public`]); sign-in's
//! argon2 runs on the blocking pool, which the request cap bounds.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits a server runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A TLS handshake must finish within this.
    pub handshake: Duration,
    /// A request's headers must arrive within this (also the idle time allowed on a kept-alive
    /// connection before its next request).
    pub header_read: Duration,
    /// A whole request (body and answer) must finish within this, or it is answered 408.
    pub request: Duration,
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// Requests handled at once; more wait their turn.
    pub max_in_flight: usize,
}

impl Default for Limits {
    /// 10 s for the handshake and the headers, 60 s a request (a 64 KiB photo chunk on a poor
    /// line fits many times over), 1024 connections, 256 requests at once.
    fn default() -> Limits {
        Limits {
            handshake: Duration::from_secs(10),
            header_read: Duration::from_secs(10),
            request: Duration::from_secs(60),
            max_connections: 1024,
            max_in_flight: 256,
        }
    }
}

/// An acceptor that holds one of `max_connections` permits for each connection's life and
/// closes a connection at once when none is left.
#[derive(Clone, Debug)]
pub struct CappedAcceptor(Arc<Semaphore>);

impl CappedAcceptor {
    /// At most `max` connections at once.
    pub fn new(max: usize) -> CappedAcceptor {
        CappedAcceptor(Arc::new(Semaphore::new(max)))
    }
}

impl<I, S> Accept<I, S> for CappedAcceptor {
    type Stream = Held<I>;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Held<I>, S)>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        std::future::ready(match self.0.clone().try_acquire_owned() {
            Ok(permit) => Ok((Held { stream, _permit: permit }, service)),
            Err(_) => {
                tracing::warn!("connection refused: the platform's connection cap is reached");
                Err(io::Error::other("connection cap reached"))
            }
        })
    }
}

/// A connection holding its permit until it is dropped.
#[derive(Debug)]
pub struct Held<I> {
    stream: I,
    _permit: OwnedSemaphorePermit,
}

impl<I: AsyncRead + Unpin> AsyncRead for Held<I> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Held<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

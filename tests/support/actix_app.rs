//! Real actix-web servers on loopback for the tests: an `HttpServer` bound to
//! `127.0.0.1:0`, run by its own actix `System` on its own thread, stopped when dropped.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};

/// Worker threads per server: more than one, so copies of an event really race on
/// different threads for the shared replay store.
const WORKERS: usize = 2;

/// A running actix-web server. Dropping it stops the server (without waiting for open
/// connections) and lets its thread end.
#[derive(Debug)]
pub struct ActixServer {
    pub addr: SocketAddr,
    handle: ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl ActixServer {
    /// `http://<addr>/hook`.
    pub fn url(&self) -> String {
        super::url(self.addr)
    }
}

impl Drop for ActixServer {
    fn drop(&mut self) {
        // The command is sent when `stop` is called; its future only waits for the end.
        drop(self.handle.stop(false));
        // Not joined: the thread ends on its own once the workers are down, and joining
        // here could block the async test runtime that drops this.
        drop(self.thread.take());
    }
}

/// How the `HttpServer` is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connections {
    /// actix-web's defaults. Among them, HTTP/1 half-closed connections are allowed: a
    /// client that goes away while its handler runs does not stop the handler, whose
    /// answer is written to nobody.
    Default,
    /// `h1_allow_half_closed(false)`: a client going away drops the request (and the
    /// handler's future) as hyper does.
    DropOnClientEof,
}

/// Serves an `App` configured by `configure` on an ephemeral loopback port, with its own
/// actix `System` on its own thread and actix-web's default settings, and answers once
/// the socket is listening.
pub fn serve_actix<F>(configure: F) -> ActixServer
where
    F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
{
    serve_actix_with(Connections::Default, configure)
}

/// [`serve_actix`] with `connections`.
pub fn serve_actix_with<F>(connections: Connections, configure: F) -> ActixServer
where
    F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (handle_tx, handle_rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name(format!("actix-{addr}"))
        .spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || App::new().configure(configure.clone()))
                    .workers(WORKERS)
                    .disable_signals()
                    .shutdown_timeout(0)
                    .h1_allow_half_closed(connections == Connections::Default)
                    .listen(listener)
                    .expect("listen")
                    .run();
                handle_tx.send(server.handle()).expect("send the handle");
                server.await.expect("actix server");
            });
        })
        .expect("spawn the actix thread");
    let handle = handle_rx.recv().expect("the actix server started");
    ActixServer {
        addr,
        handle,
        thread: Some(thread),
    }
}

//! (being written)
use crate::Platform;
use std::sync::Arc;

pub async fn run(
    _platform: Arc<Platform>,
    _listener: tokio::net::TcpListener,
    _stop: tokio::sync::watch::Receiver<bool>,
) {
}

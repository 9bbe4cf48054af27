//! The devices the gateway admits, cached in memory and refreshed from the database.
//!
//! The cache is refreshed after every change made through the API and every few seconds, so a device
//! registered from the command line (`qingshan device add`) while the server runs is admitted shortly after.

use crate::Platform;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use store::{Device, Store};

/// How often the cache is reloaded from the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(3);

/// Registered devices by MN.
#[derive(Default)]
pub struct Registry {
    devices: RwLock<Arc<HashMap<String, Device>>>,
}

impl Registry {
    /// Reloads every device from `store`.
    pub fn refresh(&self, store: &Store) -> store::Result<()> {
        self.replace(store.devices()?);
        Ok(())
    }

    /// Replaces the cache with `devices`.
    pub fn replace(&self, devices: Vec<Device>) {
        let map = devices.into_iter().map(|d| (d.mn.clone(), d)).collect();
        if let Ok(mut guard) = self.devices.write() {
            *guard = Arc::new(map);
        }
    }

    /// The device registered under `mn`.
    pub fn get(&self, mn: &str) -> Option<Device> {
        self.devices.read().ok()?.get(mn).cloned()
    }

    /// The number of registered devices.
    pub fn len(&self) -> usize {
        self.devices.read().map_or(0, |d| d.len())
    }

    /// Whether no device is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reloads the registry every [`REFRESH_EVERY`] until `stop` turns true.
pub async fn keep_fresh(platform: Arc<Platform>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(REFRESH_EVERY) => {}
            _ = super::gateway::stopped(&mut stop) => return,
        }
        match platform.read(|s| s.devices()).await {
            Ok(devices) => platform.registry.replace(devices),
            Err(e) => tracing::warn!(error = %e.message, "could not refresh the device registry"),
        }
    }
}

//! The devices the gateway admits, cached in memory and refreshed from the database.
//!
//! The platform refreshes the cache after every registry change it makes and every few seconds
//! (`Platform::keep_devices_fresh`), so a device registered from the command line while the server runs
//! is admitted shortly after.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use store::Device;

/// Registered devices by MN.
#[derive(Default)]
pub struct Devices {
    devices: RwLock<Arc<HashMap<String, Device>>>,
}

impl Devices {
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

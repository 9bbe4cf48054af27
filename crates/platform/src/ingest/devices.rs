//! The devices the gateway admits, cached in memory and refreshed from the database.
//!
//! The platform refreshes the cache after every registry change it makes and every few seconds
//! (`Platform::keep_devices_fresh`), so a device registered from the command line while the server runs
//! is admitted shortly after.

use crate::registry::DeviceKey;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use store::Device;

/// Registered devices by MN, and the key their passwords are sealed with.
pub struct Devices {
    devices: RwLock<Arc<HashMap<String, Device>>>,
    key: DeviceKey,
}

impl Devices {
    /// An empty cache checking passwords sealed under `key`.
    pub fn new(key: DeviceKey) -> Devices {
        Devices {
            devices: RwLock::default(),
            key,
        }
    }

    /// Replaces the cache with `devices` (a password still in clear, from an older version or written
    /// behind the registry's back, is sealed here, in memory).
    pub fn replace(&self, devices: Vec<Device>) {
        let map = devices
            .into_iter()
            .map(|d| {
                let password = self.key.seal(&d.password);
                (d.mn.clone(), Device { password, ..d })
            })
            .collect();
        if let Ok(mut guard) = self.devices.write() {
            *guard = Arc::new(map);
        }
    }

    /// The device registered under `mn`.
    pub fn get(&self, mn: &str) -> Option<Device> {
        self.devices.read().ok()?.get(mn).cloned()
    }

    /// Whether `sent` (a packet's `PW`) is the password of `device` (one HMAC, about a microsecond).
    pub fn password_matches(&self, device: &Device, sent: Option<&str>) -> bool {
        sent.is_some_and(|pw| self.key.verify(pw, &device.password))
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

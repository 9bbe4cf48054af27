//! Air statistics of Zhaotong's two national stations in 2019 (`data/calibration.json`, copied from
//! `../shared/data/zhaotong/calibration.json`, computed from CNEMC hourly data): the levels and shapes the
//! air model is built from. The calibration test (`tests/calibration.rs`) checks the simulated year against
//! the same file's good-day ratio and annual PM2.5.

/// Monthly mean PM2.5, µg/m³, January first.
pub const PM25_MONTHLY: [f64; 12] = [
    24.0, 20.9, 22.8, 19.5, 13.4, 14.1, 13.9, 16.5, 15.1, 14.5, 20.6, 32.1,
];
/// Monthly mean PM10, µg/m³.
pub const PM10_MONTHLY: [f64; 12] = [
    50.6, 50.6, 52.7, 47.3, 37.8, 34.9, 33.0, 43.2, 35.1, 32.8, 46.0, 59.9,
];
/// Monthly mean O3 daily maximum 8-hour, µg/m³.
pub const O3_8H_MONTHLY: [f64; 12] = [
    75.3, 92.4, 105.5, 125.1, 107.4, 107.0, 92.8, 123.7, 85.6, 71.6, 57.4, 66.6,
];
/// Mean PM2.5 by hour of day (0 = 00:00–01:00), µg/m³.
pub const PM25_DIURNAL: [f64; 24] = [
    23.19, 21.61, 19.96, 18.57, 17.49, 19.68, 16.08, 16.39, 17.07, 18.06, 19.85, 21.53, 21.22,
    19.87, 18.48, 16.39, 15.8, 15.33, 15.74, 17.46, 20.58, 22.97, 23.66, 23.81,
];
/// Mean PM10 by hour of day, µg/m³.
pub const PM10_DIURNAL: [f64; 24] = [
    45.17, 41.51, 37.49, 35.0, 32.77, 32.24, 31.35, 32.99, 36.28, 40.2, 46.23, 48.44, 45.68, 42.48,
    38.31, 37.76, 41.99, 45.83, 50.81, 56.96, 60.58, 58.35, 53.83, 49.3,
];
/// Mean NO2 by hour of day, µg/m³.
pub const NO2_DIURNAL: [f64; 24] = [
    18.99, 17.95, 16.67, 15.57, 14.62, 14.23, 13.56, 14.48, 17.04, 19.27, 19.25, 17.44, 15.26,
    12.61, 11.32, 11.76, 12.19, 12.83, 15.03, 17.8, 19.91, 20.64, 20.65, 19.86,
];
/// Mean O3 by hour of day, µg/m³.
pub const O3_DIURNAL: [f64; 24] = [
    60.48, 59.94, 59.61, 59.51, 58.35, 57.61, 56.98, 54.86, 52.3, 53.09, 59.51, 68.44, 78.61,
    87.79, 93.79, 93.68, 94.36, 89.99, 84.73, 77.3, 69.62, 65.71, 63.61, 61.56,
];
/// Mean SO2 by hour of day, µg/m³.
pub const SO2_DIURNAL: [f64; 24] = [
    11.39, 11.16, 10.83, 10.91, 11.1, 11.36, 11.5, 13.4, 14.53, 14.48, 14.28, 13.13, 11.69, 10.49,
    9.7, 9.41, 8.83, 8.51, 8.89, 9.89, 11.09, 11.39, 11.6, 11.76,
];
/// Mean CO by hour of day, mg/m³.
pub const CO_DIURNAL: [f64; 24] = [
    0.7, 0.7, 0.69, 0.67, 0.67, 0.65, 0.66, 0.68, 0.74, 0.79, 0.77, 0.71, 0.65, 0.61, 0.57, 0.55,
    0.54, 0.54, 0.56, 0.62, 0.68, 0.7, 0.71, 0.72,
];
/// Annual mean PM2.5 of the valid days, µg/m³.
pub const PM25_ANNUAL: f64 = 19.1;
/// Annual mean PM10 of the valid days, µg/m³.
pub const PM10_ANNUAL: f64 = 43.8;
/// Annual mean SO2, µg/m³.
pub const SO2_ANNUAL: f64 = 11.3;
/// Annual mean NO2, µg/m³.
pub const NO2_ANNUAL: f64 = 16.3;
/// Mean CO, mg/m³ (the diurnal profile's mean).
pub const CO_LEVEL: f64 = 0.66;

/// Weight of the city-wide weather field on the particulate logarithm (tuned so the simulated 2019 gives the
/// figures of `calibration.json`; see `tests/calibration.rs`).
pub const PM_SHARED_SIGMA: f64 = 0.42;
/// Weight of the city-wide photochemistry field on the ozone logarithm (tuned likewise).
pub const O3_SHARED_SIGMA: f64 = 0.185;

/// Empirical correction of the particulate level: without it six simulated years came out 2 % low (the
/// evaluation's valid-day means weigh the log-normal skew differently from the hourly mean).
pub const PM_TUNING: f64 = 1.02;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The annual mean PM2.5 level the monthly multipliers (mean 1) scale.
pub fn pm25_level() -> f64 {
    PM25_ANNUAL * PM_TUNING
}

/// The annual mean PM10 level.
pub fn pm10_level() -> f64 {
    PM10_ANNUAL * PM_TUNING
}

/// The mean hourly O3 that makes the daily maximum 8-hour mean follow [`O3_8H_MONTHLY`]: the monthly 8-hour
/// means scaled by the ratio of the diurnal profile's mean to its best 8-hour window.
pub fn o3_level() -> f64 {
    let best_8h = (0..24)
        .map(|start| (0..8).map(|k| O3_DIURNAL[(start + k) % 24]).sum::<f64>() / 8.0)
        .fold(0.0, f64::max);
    mean(&O3_8H_MONTHLY) * mean(&O3_DIURNAL) / best_8h
}

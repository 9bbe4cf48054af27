//! What a logger uploads and when: the schedule of each kind (real-time every interval, run state and
//! minute data every minute interval, hourly data, daily data and running time after midnight) and the
//! data areas, built from the [`Model`]'s values.

use crate::devices::{DeviceKind, DeviceSpec};
use crate::rng::{hash, text};
use crate::values::{BEIJING_OFFSET_S, Model, Status};
use hj212::{Cn, Timestamp};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write;

/// The kinds of upload a logger makes on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Upload {
    /// CN 2011 real-time data.
    RealTime,
    /// CN 2021 facility run state.
    RunState,
    /// CN 2051 minute data.
    Minute,
    /// CN 2061 hourly data.
    Hour,
    /// CN 2031 daily data.
    Day,
    /// CN 2041 daily facility running time.
    RunTime,
}

impl Upload {
    /// Every upload kind.
    pub const ALL: [Upload; 6] = [
        Upload::RealTime,
        Upload::RunState,
        Upload::Minute,
        Upload::Hour,
        Upload::Day,
        Upload::RunTime,
    ];

    /// The command code.
    pub fn cn(self) -> Cn {
        match self {
            Upload::RealTime => Cn::RealTimeData,
            Upload::RunState => Cn::RunState,
            Upload::Minute => Cn::MinuteData,
            Upload::Hour => Cn::HourData,
            Upload::Day => Cn::DayData,
            Upload::RunTime => Cn::RunTimeData,
        }
    }

    /// Whether `kind` makes this upload.
    pub fn made_by(self, kind: DeviceKind) -> bool {
        kind.uploads().contains(&self.cn())
    }
}

/// One upload due: what, for which data time (the start of the interval for aggregates), over how long,
/// and when the logger sends it (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    /// When it is sent.
    pub send_at: i64,
    /// What is sent.
    pub upload: Upload,
    /// The data time (`DataTime`), unix seconds.
    pub data_time: i64,
    /// The interval covered in seconds (0 for real-time and run state).
    pub span: i64,
}

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// The uploads a logger makes from a start time on, in sending order (an endless iterator).
#[derive(Debug, Clone)]
pub struct Schedule {
    kind: DeviceKind,
    realtime: i64,
    minute: Option<i64>,
    hour_cycle: i64,
    delays: [i64; 4],
    include: Vec<Upload>,
    start: i64,
    next_bucket: i64,
    heap: BinaryHeap<Reverse<Due>>,
}

impl Schedule {
    /// The schedule of `spec` for every upload sent at or after `start`.
    pub fn new(spec: &DeviceSpec, start: i64) -> Schedule {
        let h = hash(&[text(&spec.mn), text("delays")]);
        Schedule {
            kind: spec.kind,
            realtime: i64::from(spec.realtime_interval_s.max(1)),
            minute: spec
                .kind
                .minute_interval_min()
                .map(|_| i64::from(spec.minute_interval_min.max(1)) * 60),
            hour_cycle: i64::from(spec.kind.hour_cycle()),
            delays: [
                (h % 3) as i64,
                5 + ((h >> 8) % 20) as i64,
                40 + ((h >> 16) % 60) as i64,
                150 + ((h >> 24) % 100) as i64,
            ],
            include: Upload::ALL
                .into_iter()
                .filter(|u| u.made_by(spec.kind))
                .collect(),
            start,
            next_bucket: (start - HOUR).div_euclid(HOUR) * HOUR,
            heap: BinaryHeap::new(),
        }
    }

    /// Keeps only the uploads in `which` (e.g. no real-time data for a quick backfill).
    pub fn only(mut self, which: &[Upload]) -> Schedule {
        self.include.retain(|u| which.contains(u));
        self
    }

    fn push(&mut self, due: Due) {
        if due.send_at >= self.start && self.include.contains(&due.upload) {
            self.heap.push(Reverse(due));
        }
    }

    /// Adds the uploads whose boundary falls in the next hour.
    fn fill(&mut self) {
        let h = self.next_bucket;
        self.next_bucket += HOUR;
        let [d_rt, d_min, d_hour, d_day] = self.delays;
        let mut b = h + (self.realtime - h.rem_euclid(self.realtime)) % self.realtime;
        while b < h + HOUR {
            self.push(Due {
                send_at: b + d_rt.min(self.realtime - 1),
                upload: Upload::RealTime,
                data_time: b,
                span: 0,
            });
            b += self.realtime;
        }
        if let Some(m) = self.minute {
            let mut b = h + (m - h.rem_euclid(m)) % m;
            while b < h + HOUR {
                self.push(Due {
                    send_at: b + d_min,
                    upload: Upload::Minute,
                    data_time: b - m,
                    span: m,
                });
                self.push(Due {
                    send_at: b + d_min / 2,
                    upload: Upload::RunState,
                    data_time: b,
                    span: 0,
                });
                b += m;
            }
        }
        let local = h + BEIJING_OFFSET_S;
        if (local / HOUR).rem_euclid(self.hour_cycle) == 0 {
            let span = self.hour_cycle * HOUR;
            self.push(Due {
                send_at: h + d_hour,
                upload: Upload::Hour,
                data_time: h - span,
                span,
            });
        }
        if local.rem_euclid(DAY) == 0 {
            self.push(Due {
                send_at: h + d_day,
                upload: Upload::Day,
                data_time: h - DAY,
                span: DAY,
            });
            self.push(Due {
                send_at: h + d_day + 20,
                upload: Upload::RunTime,
                data_time: h - DAY,
                span: DAY,
            });
        }
        let _ = self.kind;
    }
}

impl Iterator for Schedule {
    type Item = Due;
    fn next(&mut self) -> Option<Due> {
        // A bucket's sends end at most a few minutes after it; filling until the earliest due precedes the
        // next bucket keeps the order exact.
        while self
            .heap
            .peek()
            .is_none_or(|Reverse(d)| d.send_at >= self.next_bucket)
        {
            if self.include.is_empty() {
                return None;
            }
            self.fill();
        }
        self.heap.pop().map(|Reverse(d)| d)
    }
}

/// HJ 212 local time of a unix time.
pub fn local_time(t: i64, millis: Option<u16>) -> Timestamp {
    Timestamp::from_unix_seconds(t + BEIJING_OFFSET_S, millis)
}

fn number(out: &mut String, v: f64, decimals: u8) {
    let _ = write!(out, "{:.*}", usize::from(decimals), v);
}

/// The data area of `due` for a logger whose values come from `model`.
pub fn data_area(model: &Model, due: &Due) -> String {
    let factors = model.kind().factors();
    let mut cp = String::with_capacity(640);
    let _ = write!(cp, "DataTime={}", local_time(due.data_time, None));
    match due.upload {
        Upload::RealTime => {
            let r = model.reading(due.data_time);
            let o2 = factors
                .iter()
                .position(|f| f.code == "a19001")
                .map(|i| r.values[i]);
            let flag = r.status.flag().as_str();
            for (f, v) in factors.iter().zip(&r.values) {
                let _ = write!(cp, ";{}-Rtd=", f.code);
                number(&mut cp, *v, f.decimals);
                if f.converted
                    && let Some(z) = o2.and_then(|o2| model.converted(*v, o2))
                {
                    let _ = write!(cp, ",{}-ZsRtd=", f.code);
                    number(&mut cp, z, f.decimals);
                }
                let _ = write!(cp, ",{}-Flag={flag}", f.code);
            }
        }
        Upload::Minute | Upload::Hour | Upload::Day => {
            let step = match due.upload {
                Upload::Minute => 60,
                Upload::Hour => 300,
                _ => 1_800,
            };
            let a = model.aggregate(due.data_time, due.data_time + due.span, step);
            let flag = a.status.flag().as_str();
            for ((f, s), z) in factors.iter().zip(&a.factors).zip(&a.converted) {
                let _ = write!(cp, ";");
                if let Some(cou) = s.cou {
                    let _ = write!(cp, "{}-Cou=", f.code);
                    number(&mut cp, cou, 3);
                    cp.push(',');
                }
                for (field, v) in [("Min", s.min), ("Avg", s.avg), ("Max", s.max)] {
                    let _ = write!(cp, "{}-{field}=", f.code);
                    number(&mut cp, v, f.decimals);
                    cp.push(',');
                }
                if let Some((avg, min, max)) = z {
                    for (field, v) in [("ZsMin", min), ("ZsAvg", avg), ("ZsMax", max)] {
                        let _ = write!(cp, "{}-{field}=", f.code);
                        number(&mut cp, *v, f.decimals);
                        cp.push(',');
                    }
                }
                let _ = write!(cp, "{}-Flag={flag}", f.code);
            }
        }
        Upload::RunState => {
            // Facility run state: 1 running, 2 calibrating, 3 maintenance, 4 alarm (hj212.md §1.4).
            let rs = match model.status(due.data_time) {
                Status::Normal => 1,
                Status::Calibration => 2,
                Status::Maintenance => 3,
                Status::Fault => 4,
            };
            let _ = write!(cp, ";SB1-RS={rs};SB2-RS={rs}");
        }
        Upload::RunTime => {
            let a = model.aggregate(due.data_time, due.data_time + due.span, 900);
            let _ = write!(
                cp,
                ";SB1-RT={:.2};SB2-RT={:.2}",
                a.running_hours, a.running_hours
            );
        }
    }
    cp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{Profile, fleet};

    #[test]
    fn schedules_follow_each_kind_in_order() {
        let devices = fleet(3, 56, Profile::Demo);
        let start = 1_764_259_200; // 2025-11-28 00:00 Beijing
        for d in &devices {
            let dues: Vec<Due> = Schedule::new(d, start)
                .take_while(|x| x.send_at < start + 2 * DAY)
                .collect();
            assert!(dues.windows(2).all(|w| w[0] <= w[1]));
            let count = |u| dues.iter().filter(|x| x.upload == u).count() as i64;
            assert_eq!(
                count(Upload::RealTime),
                2 * DAY / i64::from(d.realtime_interval_s)
            );
            let hours = 48 / i64::from(d.kind.hour_cycle());
            assert_eq!(count(Upload::Hour), hours, "{:?}", d.kind);
            let days = if Upload::Day.made_by(d.kind) { 2 } else { 0 };
            assert_eq!(count(Upload::Day), days);
            assert_eq!(
                count(Upload::Minute),
                if d.kind.minute_interval_min().is_some() {
                    288
                } else {
                    0
                }
            );
        }
        let stack = devices.iter().find(|d| d.site_id == "S01").unwrap();
        let m = Model::new(stack, 3);
        let due = Schedule::new(stack, start)
            .find(|d| d.upload == Upload::Hour)
            .unwrap();
        let cp = data_area(&m, &due);
        assert!(
            cp.starts_with("DataTime=20251127230000;a21026-Cou="),
            "{cp}"
        );
        assert!(
            cp.contains("a21026-ZsAvg=") && cp.contains("a00000-Cou="),
            "{cp}"
        );
    }
}

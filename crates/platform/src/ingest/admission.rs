//! Admission: what the gateway decides about one frame, and what it stores and answers.
//!
//! A frame becomes exactly one journal record. It is accepted when it parses, its MN is registered, its
//! password matches and its CRC passes the device's policy; only then are its values stored and its
//! answers (built now, sent after the commit) due. Everything else is kept in quarantine with its cause.

use super::Devices;
use hj212::answers::{AnswerOptions, answer_for};
use hj212::cp::Field;
use hj212::messages::{DataKind, Message};
use hj212::{CrcPolicy as WireCrcPolicy, Frame, Packet, Rejected};
use jiff::tz::TimeZone;
use store::{CrcPolicy, FrameRecord, Interval, NewValue, Verdict};

/// A frame's record for the journal and the answers to send once it is committed.
#[derive(Debug)]
pub struct Admission {
    pub record: FrameRecord,
    /// Complete frames (with `##`, length, CRC and CRLF) to write back after the commit.
    pub answers: Vec<Vec<u8>>,
}

/// Where and when a frame was received.
#[derive(Debug, Clone)]
pub struct Arrival<'a> {
    pub peer: &'a str,
    pub received_at_ms: i64,
}

fn wire_policy(p: CrcPolicy) -> WireCrcPolicy {
    match p {
        CrcPolicy::Strict => WireCrcPolicy::Strict,
        CrcPolicy::Lenient => WireCrcPolicy::Lenient,
        CrcPolicy::Off => WireCrcPolicy::Off,
    }
}

fn record(arrival: &Arrival, raw: &[u8], verdict: Verdict, cause: Option<String>) -> FrameRecord {
    FrameRecord {
        received_at_ms: arrival.received_at_ms,
        peer: arrival.peer.to_string(),
        mn: None,
        cn: None,
        verdict,
        cause,
        raw: raw.to_vec(),
        values: Vec::new(),
    }
}

/// Decides about a frame the framer accepted (its CRC passed the framer's lenient check).
pub fn admit(
    frame: &Frame<'_>,
    arrival: &Arrival,
    devices: &Devices,
    tz: &TimeZone,
) -> Admission {
    let packet = match Packet::parse(&frame.data) {
        Ok(p) => p,
        Err(e) => {
            let cause = format!("{}: {e}", e.kind());
            return Admission {
                record: record(arrival, &frame.raw, Verdict::BadFrame, Some(cause)),
                answers: vec![],
            };
        }
    };
    admit_packet(&packet, &frame.raw, Some(frame.crc), arrival, devices, tz)
}

/// Decides about a candidate the framer rejected. A CRC mismatch from a device whose policy is `off` is
/// still admitted; anything else is quarantined as a bad frame.
pub fn admit_rejected(
    rejected: &Rejected<'_>,
    arrival: &Arrival,
    devices: &Devices,
    tz: &TimeZone,
) -> Admission {
    let cause = format!("{}: {}", rejected.error.kind(), rejected.error);
    // The data segment lies between `##dddd` and the four CRC characters.
    let packet = (rejected.raw.len() >= 10)
        .then(|| Packet::parse(&rejected.raw[6..rejected.raw.len() - 4]).ok())
        .flatten();
    if let hj212::FrameError::CrcMismatch { .. } = rejected.error
        && let Some(packet) = &packet
        && let Some(device) = packet
            .header
            .mn
            .as_ref()
            .and_then(|mn| devices.get(mn.as_str()))
        && device.crc_policy == CrcPolicy::Off
    {
        return admit_packet(packet, rejected.raw, None, arrival, devices, tz);
    }
    let mut r = record(arrival, rejected.raw, Verdict::BadFrame, Some(cause));
    // Say whose frame it was when the header can still be read: it helps the operator find the device.
    if let Some(packet) = &packet {
        r.mn = packet.header.mn.as_ref().map(|m| m.as_str().to_string());
        r.cn = Some(packet.cn().to_string());
    }
    Admission {
        record: r,
        answers: vec![],
    }
}

fn admit_packet(
    packet: &Packet<'_>,
    raw: &[u8],
    crc: Option<hj212::CrcCheck>,
    arrival: &Arrival,
    devices: &Devices,
    tz: &TimeZone,
) -> Admission {
    let mut r = record(arrival, raw, Verdict::Accepted, None);
    r.mn = packet.header.mn.as_ref().map(|m| m.as_str().to_string());
    r.cn = Some(packet.cn().to_string());
    let reject = |mut r: FrameRecord, verdict: Verdict, cause: String| {
        r.verdict = verdict;
        r.cause = Some(cause);
        Admission {
            record: r,
            answers: vec![],
        }
    };
    let Some(mn) = r.mn.clone() else {
        return reject(r, Verdict::UnknownDevice, "no MN in the header".into());
    };
    let Some(device) = devices.get(&mn) else {
        return reject(
            r,
            Verdict::UnknownDevice,
            format!("MN {mn:?} is not registered"),
        );
    };
    if packet.header.pw.as_deref() != Some(device.password.as_str()) {
        let sent = packet.header.pw.as_deref().unwrap_or("");
        return reject(
            r,
            Verdict::WrongPassword,
            format!("wrong password {sent:?} for MN {mn}"),
        );
    }
    if let Some(crc) = crc
        && !crc.accepted(wire_policy(device.crc_policy))
    {
        let variant = crc.variant.map_or("unknown".to_string(), |v| v.to_string());
        return reject(
            r,
            Verdict::BadFrame,
            format!(
                "crc_variant_refused: CRC {} is the {variant} variant; device policy is {}",
                crc.field_str(),
                device.crc_policy
            ),
        );
    }
    let mut notes = Vec::new();
    if let Some(v) = crc.and_then(|c| c.variant) {
        notes.push(format!("crc variant {v}"));
    }
    if let Message::Data(upload) = Message::from_packet(packet)
        && let Some(interval) = interval_of(upload.kind)
    {
        let Some(time) = upload.data_time.and_then(|t| local_to_unix(t, tz)) else {
            let text = upload.data_time_text.unwrap_or("(absent)");
            return reject(
                r,
                Verdict::BadFrame,
                format!("bad_data_time: DataTime {text:?} is not a valid local time"),
            );
        };
        r.values = values(&upload, interval, &device.site_id, time, &mut notes);
    }
    if !notes.is_empty() {
        r.cause = Some(notes.join("; "));
    }
    let options = AnswerOptions::with_now(local_now(tz));
    let answers = answer_for(packet, &options)
        .into_iter()
        .filter_map(|a| a.encode().ok())
        .collect();
    Admission { record: r, answers }
}

/// The platform's clock as HJ 212 local time (for time calibration answers).
fn local_now(tz: &TimeZone) -> hj212::time::Timestamp {
    let now = jiff::Timestamp::now().to_zoned(tz.clone());
    hj212::time::Timestamp {
        year: now.year() as u16,
        month: now.month() as u8,
        day: now.day() as u8,
        hour: now.hour() as u8,
        minute: now.minute() as u8,
        second: now.second() as u8,
        millis: Some(now.millisecond() as u16),
    }
}

fn interval_of(kind: DataKind) -> Option<Interval> {
    match kind {
        DataKind::RealTime => Some(Interval::Realtime),
        DataKind::Minute => Some(Interval::Minute),
        DataKind::Hour => Some(Interval::Hour),
        DataKind::Day => Some(Interval::Day),
        _ => None,
    }
}

/// HJ 212 times are local: `DataTime` 2026-11-28 08:00:00 in Asia/Shanghai is 00:00:00 UTC.
pub fn local_to_unix(t: hj212::time::Timestamp, tz: &TimeZone) -> Option<i64> {
    let dt = jiff::civil::DateTime::new(
        t.year as i16,
        t.month as i8,
        t.day as i8,
        t.hour as i8,
        t.minute as i8,
        t.second.min(59) as i8,
        0,
    )
    .ok()?;
    dt.to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// Groups a data upload's items by factor code into one value each.
fn values(
    upload: &hj212::messages::DataUpload<'_>,
    interval: Interval,
    site: &str,
    time: i64,
    notes: &mut Vec<String>,
) -> Vec<NewValue> {
    let mut out: Vec<NewValue> = Vec::new();
    for v in upload.values() {
        let slot = match out.iter().position(|x| x.param == v.code) {
            Some(i) => i,
            None => {
                out.push(NewValue {
                    site_id: site.to_string(),
                    param: v.code.to_string(),
                    interval,
                    time,
                    value: None,
                    min: None,
                    max: None,
                    cou: None,
                    flag: None,
                });
                out.len() - 1
            }
        };
        let target = &mut out[slot];
        let mut number = || {
            let n = v.number().filter(|n| n.is_finite());
            if n.is_none() && !v.text.is_empty() {
                notes.push(format!(
                    "{}-{}={:?} is not a number",
                    v.code, v.field_name, v.text
                ));
            }
            n
        };
        match v.field {
            Field::Rtd if interval == Interval::Realtime => target.value = number(),
            Field::Avg => target.value = number(),
            Field::Min => target.min = number(),
            Field::Max => target.max = number(),
            Field::Cou => target.cou = number(),
            Field::Flag => target.flag = Some(v.text.to_string()),
            // Converted values, run states and other fields stay in the journal's raw packet.
            _ => {}
        }
    }
    out.retain(|v| v.value.is_some() || v.min.is_some() || v.max.is_some() || v.cou.is_some());
    out
}

//! Admission: what the gateway decides about one frame, and what it stores and answers.
//!
//! A frame becomes exactly one journal record. It is accepted when it parses, its MN is registered, its
//! password matches, its CRC passes the device's policy and its `DataTime` lies in the accepted window;
//! only then are its values stored. Answers (built now, sent after the commit) are due for accepted
//! frames and for frames refused only for their time, so a logger with a wrong clock does not re-send
//! forever. Everything else is kept in quarantine with its cause.
//!
//! The raw frame is kept byte for byte except the password's characters, which are masked (`*`): the
//! database never holds a device password in clear. The CRC was checked on the bytes as received, and
//! the record says how (`crc=ok`, a variant, or not checked).

use super::Devices;
pub use super::redact::mask_password;
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

/// What admission judges a frame by besides the frame itself.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub devices: &'a Devices,
    /// The zone of HJ 212's local `DataTime`.
    pub tz: &'a TimeZone,
    /// Oldest accepted `DataTime`, seconds before receipt (`limits.max_backfill_days`).
    pub max_backfill_s: i64,
    /// Latest accepted `DataTime`, seconds after receipt (`limits.max_future_minutes`).
    pub max_future_s: i64,
}

impl<'a> Rules<'a> {
    /// The rules of the platform's settings.
    pub fn new(devices: &'a Devices, tz: &'a TimeZone, limits: &crate::Limits) -> Rules<'a> {
        Rules {
            devices,
            tz,
            max_backfill_s: i64::from(limits.max_backfill_days) * 86_400,
            max_future_s: i64::from(limits.max_future_minutes) * 60,
        }
    }
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
        raw: mask_password(raw),
        values: Vec::new(),
    }
}

/// Decides about a frame the framer accepted (its CRC passed the framer's lenient check).
pub fn admit(frame: &Frame<'_>, arrival: &Arrival, rules: &Rules) -> Admission {
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
    admit_packet(&packet, &frame.raw, Some(frame.crc), arrival, rules)
}

/// Decides about a candidate the framer rejected. A CRC mismatch from a device whose policy is `off` is
/// still admitted; anything else is quarantined as a bad frame.
pub fn admit_rejected(rejected: &Rejected<'_>, arrival: &Arrival, rules: &Rules) -> Admission {
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
            .and_then(|mn| rules.devices.get(mn.as_str()))
        && device.crc_policy == CrcPolicy::Off
    {
        return admit_packet(packet, rejected.raw, None, arrival, rules);
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
    rules: &Rules,
) -> Admission {
    let tz = rules.tz;
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
    let Some(device) = rules.devices.get(&mn) else {
        return reject(
            r,
            Verdict::UnknownDevice,
            format!("MN {mn:?} is not registered"),
        );
    };
    if !rules
        .devices
        .password_matches(&device, packet.header.pw.as_deref())
    {
        // The cause never repeats the password sent: it may be a real one mistyped, or another device's.
        return reject(
            r,
            Verdict::WrongPassword,
            format!("wrong password for MN {mn}"),
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
    // The stored frame's password is masked, so its CRC cannot be checked again: say how it was checked.
    let mut notes = vec![match crc {
        None => "crc=not checked (device policy off)".to_string(),
        Some(c) => match c.variant {
            None => "crc=ok".to_string(),
            Some(v) => format!("crc=variant {v}"),
        },
    }];
    let answers = || {
        let options = AnswerOptions::with_now(local_now(tz));
        answer_for(packet, &options)
            .into_iter()
            .filter_map(|a| a.encode().ok())
            .collect()
    };
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
        let received = arrival.received_at_ms.div_euclid(1000);
        if time < received - rules.max_backfill_s || time > received + rules.max_future_s {
            let text = upload.data_time_text.unwrap_or_default();
            let offset = if time < received {
                format!("{} days before", (received - time) / 86_400)
            } else {
                format!("{} minutes after", (time - received) / 60)
            };
            let mut r = reject(
                r,
                Verdict::TimeOutOfRange,
                format!(
                    "data_time_out_of_range: DataTime {text} is {offset} its receipt; accepted: up to {} days \
                     before and {} minutes after",
                    rules.max_backfill_s / 86_400,
                    rules.max_future_s / 60
                ),
            );
            // Answered all the same: the logger must not re-send it forever.
            r.answers = answers();
            return r;
        }
        r.values = values(&upload, interval, &device.site_id, time, &mut notes);
    }
    r.cause = Some(notes.join("; "));
    Admission {
        record: r,
        answers: answers(),
    }
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
        if !is_factor_code(v.code) {
            let note = format!(
                "bad_factor_code: {:?} is not an HJ 212 factor code; item refused",
                v.code
            );
            if !notes.contains(&note) {
                notes.push(note);
            }
            continue;
        }
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
                    "invalid_value: {}-{}={:?} is not a number",
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

/// HJ 212 factor codes are short ASCII letters and digits (`a21026`, `w01018`, `011`, `B01`, `SB1`,
/// `i12001`, `LA`; HJ 212-2017 §6.3.3 and Appendix B). Anything else (`@SUM(1)`, `=1+2`) is refused.
pub fn is_factor_code(code: &str) -> bool {
    (1..=12).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hj212::FramerConfig;
    use store::Device;

    const MN: &str = "88888880000001";

    fn devices(policy: CrcPolicy) -> Devices {
        let dir = tempfile::tempdir().unwrap();
        let key = crate::registry::DeviceKey::load_or_create(&dir.path().join("k")).unwrap();
        let d = Devices::new(key);
        d.replace(vec![Device {
            mn: MN.into(),
            password: "123456".into(),
            site_id: "S01".into(),
            protocol: "auto".into(),
            crc_policy: policy,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        }]);
        d
    }

    fn arrival() -> Arrival<'static> {
        Arrival {
            peer: "10.0.0.9:4000",
            // 2026-11-28 00:00 UTC, 08:00 in Shanghai: the tests' frames are of that moment.
            received_at_ms: 1_795_824_000_000,
        }
    }

    fn tz() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    /// A framed 2017 packet with a correct CRC.
    fn framed(cn: &str, pw: &str, cp: &str) -> Vec<u8> {
        let data = format!("QN=20261128080000000;ST=31;CN={cn};PW={pw};MN={MN};Flag=5;CP=&&{cp}&&");
        hj212::packet::frame_data_segment(data.as_bytes()).unwrap()
    }

    /// Admits every frame of `bytes` as the gateway does (lenient framer, then the device's policy).
    fn admit_all(bytes: &[u8], devices: &Devices) -> Vec<Admission> {
        let config = FramerConfig::default().with_crc_policy(WireCrcPolicy::Lenient);
        hj212::frames(bytes, &config)
            .map(|f| {
                let tz = tz();
                let rules = Rules {
                    devices,
                    tz: &tz,
                    max_backfill_s: 400 * 86_400,
                    max_future_s: 15 * 60,
                };
                match f {
                    Ok(frame) => admit(&frame, &arrival(), &rules),
                    Err(rejected) => admit_rejected(&rejected, &arrival(), &rules),
                }
            })
            .collect()
    }

    fn one(bytes: &[u8], devices: &Devices) -> Admission {
        let mut all = admit_all(bytes, devices);
        assert_eq!(
            all.len(),
            1,
            "one frame in {:?}",
            String::from_utf8_lossy(bytes)
        );
        all.remove(0)
    }

    #[test]
    fn an_accepted_upload_stores_one_value_per_code_at_utc_time_and_is_answered() {
        let cp =
            "DataTime=20261128080000;a21026-Rtd=12.5,a21026-Flag=N;a34013-Rtd=3.1,a34013-Flag=D";
        let bytes = framed("2011", "123456", cp);
        let a = one(&bytes, &devices(CrcPolicy::Strict));
        assert_eq!(a.record.verdict, Verdict::Accepted);
        assert_eq!(a.record.mn.as_deref(), Some(MN));
        assert_eq!(a.record.cn.as_deref(), Some("2011"));
        assert_eq!(
            a.record.raw,
            mask_password(&bytes[..bytes.len() - 2]),
            "the raw frame is kept as received, its password masked"
        );
        let utc = "2026-11-28T00:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second();
        let got: Vec<_> = a
            .record
            .values
            .iter()
            .map(|v| {
                (
                    v.param.as_str(),
                    v.value,
                    v.flag.as_deref(),
                    v.time,
                    v.interval,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a21026", Some(12.5), Some("N"), utc, Interval::Realtime),
                ("a34013", Some(3.1), Some("D"), utc, Interval::Realtime),
            ]
        );
        assert!(a.record.values.iter().all(|v| v.site_id == "S01"));
        assert_eq!(a.answers.len(), 1, "Flag=5 asks for a 9014 answer");
        assert!(String::from_utf8_lossy(&a.answers[0]).contains("CN=9014"));
    }

    #[test]
    fn unknown_devices_and_wrong_passwords_are_quarantined_without_the_password() {
        let strict = devices(CrcPolicy::Strict);
        let unknown = one(
            &framed("2011", "123456", "DataTime=20261128080000;a21026-Rtd=1")
                .replace_mn("99999990000009"),
            &strict,
        );
        assert_eq!(unknown.record.verdict, Verdict::UnknownDevice);
        assert!(unknown.record.values.is_empty() && unknown.answers.is_empty());
        let wrong = one(
            &framed(
                "2011",
                "s3cret-guess",
                "DataTime=20261128080000;a21026-Rtd=1",
            ),
            &strict,
        );
        assert_eq!(wrong.record.verdict, Verdict::WrongPassword);
        let cause = wrong.record.cause.unwrap();
        assert!(cause.contains(MN) && !cause.contains("s3cret"), "{cause}");
        assert!(wrong.record.values.is_empty() && wrong.answers.is_empty());
    }

    #[test]
    fn crc_variants_follow_the_devices_policy() {
        // A correct frame whose CRC has a hex letter (the first value that gives one), and the same frame
        // with its CRC in lower case: the lower_case_hex variant.
        let good = (1..100)
            .map(|v| {
                framed(
                    "2011",
                    "123456",
                    &format!("DataTime=20261128080000;a21026-Rtd={v}"),
                )
            })
            .find(|f| {
                f[f.len() - 6..f.len() - 2]
                    .iter()
                    .any(u8::is_ascii_uppercase)
            })
            .unwrap();
        let n = good.len();
        let mut lower = good.clone();
        lower[n - 6..n - 2].make_ascii_lowercase();
        // A wrong CRC altogether.
        let mut wrong = good.clone();
        wrong[n - 6..n - 2].copy_from_slice(b"0000");
        for (policy, frame, verdict) in [
            (CrcPolicy::Lenient, &wrong, Verdict::BadFrame),
            (CrcPolicy::Off, &wrong, Verdict::Accepted),
            (CrcPolicy::Strict, &good, Verdict::Accepted),
        ] {
            let a = one(frame, &devices(policy));
            assert_eq!(
                a.record.verdict, verdict,
                "{policy:?}: {:?}",
                a.record.cause
            );
        }
        let a = one(&lower, &devices(CrcPolicy::Lenient));
        assert_eq!(a.record.verdict, Verdict::Accepted, "{:?}", a.record.cause);
    }

    #[test]
    fn bad_data_times_and_non_numbers_are_named() {
        let strict = devices(CrcPolicy::Strict);
        let bad_time = one(
            &framed("2011", "123456", "DataTime=20261399080000;a21026-Rtd=1"),
            &strict,
        );
        assert_eq!(bad_time.record.verdict, Verdict::BadFrame);
        assert!(bad_time.record.cause.unwrap().contains("20261399080000"));
        let nan = one(
            &framed(
                "2011",
                "123456",
                "DataTime=20261128080000;a21026-Rtd=abc;a34013-Rtd=2",
            ),
            &strict,
        );
        assert_eq!(nan.record.verdict, Verdict::Accepted);
        assert_eq!(
            nan.record.values.len(),
            1,
            "the value that is not a number is not stored"
        );
        assert!(
            nan.record
                .cause
                .unwrap()
                .contains(r#"a21026-Rtd="abc" is not a number"#)
        );
    }

    #[test]
    fn the_password_is_masked_in_every_stored_frame_and_nothing_else_changes() {
        let strict = devices(CrcPolicy::Strict);
        let cp = "DataTime=20261128080000;a21026-Rtd=1";
        for pw in ["123456", "wrong-guess"] {
            let bytes = framed("2011", pw, cp);
            let a = one(&bytes, &strict);
            let stored = String::from_utf8(a.record.raw.clone()).unwrap();
            let sent = String::from_utf8_lossy(&bytes[..bytes.len() - 2]).to_string();
            assert_eq!(
                stored,
                sent.replace(
                    &format!("PW={pw};"),
                    &format!("PW={};", "*".repeat(pw.len()))
                )
            );
            assert!(!stored.contains(pw), "{stored}");
        }
        let a = one(&framed("2011", "123456", cp), &strict);
        assert_eq!(
            a.record.cause.as_deref(),
            Some("crc=ok"),
            "the CRC verdict at receipt"
        );
    }

    #[test]
    fn data_times_outside_the_window_are_quarantined_and_still_answered() {
        let strict = devices(CrcPolicy::Strict);
        for (time, says) in [
            ("20990101000000", "minutes after"),
            ("20261128081600", "16 minutes after"),
            ("20241020080000", "769 days before"),
        ] {
            let a = one(
                &framed("2011", "123456", &format!("DataTime={time};a21026-Rtd=1")),
                &strict,
            );
            assert_eq!(a.record.verdict, Verdict::TimeOutOfRange, "{time}");
            let cause = a.record.cause.unwrap();
            assert!(
                cause.starts_with("data_time_out_of_range: DataTime ") && cause.contains(says),
                "{cause}"
            );
            assert!(a.record.values.is_empty());
            assert!(
                String::from_utf8_lossy(&a.answers[0]).contains("CN=9014"),
                "answered"
            );
        }
        for time in ["20261128081400", "20251025080000"] {
            let a = one(
                &framed("2011", "123456", &format!("DataTime={time};a21026-Rtd=1")),
                &strict,
            );
            assert_eq!(
                a.record.verdict,
                Verdict::Accepted,
                "{time}: {:?}",
                a.record.cause
            );
        }
    }

    #[test]
    fn items_with_a_code_that_is_not_a_factor_code_are_refused_with_a_note() {
        let a = one(
            &framed(
                "2011",
                "123456",
                "DataTime=20261128080000;@SUM(1)-Rtd=5;a21026-Rtd=1;a21026x-Rtd=2",
            ),
            &devices(CrcPolicy::Strict),
        );
        assert_eq!(a.record.verdict, Verdict::Accepted);
        let params: Vec<_> = a.record.values.iter().map(|v| v.param.as_str()).collect();
        assert_eq!(params, ["a21026", "a21026x"]);
        assert!(
            a.record
                .cause
                .unwrap()
                .contains(r#"bad_factor_code: "@SUM(1)" is not an HJ 212 factor code"#)
        );
        assert!(is_factor_code("w01018") && is_factor_code("B01") && is_factor_code("011"));
        assert!(!is_factor_code("") && !is_factor_code("=1+2") && !is_factor_code("a21026 "));
    }

    #[test]
    fn garbage_is_one_bad_frame_with_its_cause() {
        let a = one(b"##0010QN=1;CP=&&&&ZZZZ\r\n", &devices(CrcPolicy::Strict));
        assert_eq!(a.record.verdict, Verdict::BadFrame);
        assert!(a.record.cause.is_some());
        assert!(a.answers.is_empty());
    }

    #[test]
    fn local_data_time_converts_to_utc() {
        let t = hj212::time::Timestamp {
            year: 2026,
            month: 11,
            day: 28,
            hour: 8,
            minute: 0,
            second: 0,
            millis: None,
        };
        let want = "2026-11-28T00:00:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second();
        assert_eq!(local_to_unix(t, &tz()), Some(want));
        let invalid = hj212::time::Timestamp { month: 13, ..t };
        assert_eq!(local_to_unix(invalid, &tz()), None);
    }

    trait ReplaceMn {
        fn replace_mn(&self, mn: &str) -> Vec<u8>;
    }

    impl ReplaceMn for Vec<u8> {
        /// The same packet from another MN, re-framed with a correct CRC.
        fn replace_mn(&self, mn: &str) -> Vec<u8> {
            let text = String::from_utf8_lossy(&self[6..self.len() - 6]).replace(MN, mn);
            hj212::packet::frame_data_segment(text.as_bytes()).unwrap()
        }
    }
}

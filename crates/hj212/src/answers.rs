//! The packets the platform sends back (HJ 212-2017 §6.1–§6.5 and Appendix C; HJ/T 212-2005 Appendix C;
//! HJ 212-2025 §9 as summarised in `hj212-2025.md`), version-matched to the packet answered:
//!
//! | received from the device | condition | the platform sends |
//! |---|---|---|
//! | upload (2011, 2021, 2031, 2041, 2051, 2061, 2081, 2013, 2052, 2062, 2111, 1011/1061/1063 uploads, 3019/3020, unknown) | Flag A = 1 | 9014 data answer, one per segment |
//! | 1013 time-calibration request | always | 9013, then (when the time is known) a 1012 set-time request |
//! | 1001 registration, 1014 key request, 9015 heartbeat | Flag A = 1 | 9013 notification answer |
//! | 9011/9012/9013/9014 | — | nothing (HJ/T 212-2005: a 9012 with A = 1 gets a 9014 naming it) |
//! | anything with A = 0 or without Flag | — | nothing |
//!
//! Answers echo the QN in the header for HJ 212-2017/2025 (`ST=91`, same PW and MN, Flag = version bits with
//! A = 0, empty CP: HJ 212-2017 C.4, C.14, C.50; HJ 212-2025 C18r, C54r). HJ/T 212-2005 answers carry the QN
//! in the data area instead (`CP=&&QN=…;CN=2051&&`, hj212.md §1.5).

use std::borrow::Cow;

use crate::cp::{Cp, CpBuilder};
use crate::messages::Message;
use crate::packet::{Cn, Flag, Header, Mn, Packet, Qn, St, Version};
use crate::time::Timestamp;

/// What [`answer_for`] may use beyond the packet itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnswerOptions {
    /// The platform's current local time. When set, a 1013 time-calibration request is followed by a 1012
    /// set-time request carrying it (HJ 212-2017 §6.7, C.4 → C.3); when `None`, only the 9013 is sent.
    pub now: Option<Timestamp>,
}

impl AnswerOptions {
    /// Options with the platform's current local time.
    pub fn with_now(now: Timestamp) -> Self {
        AnswerOptions { now: Some(now) }
    }
}

/// The packets the platform sends in answer to `packet`, in sending order (empty when none is due).
///
/// ```
/// let data = b"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801085857&&";
/// let packet = hj212::Packet::parse(data).unwrap();
/// let answers = hj212::answers::answer_for(&packet, &Default::default());
/// assert_eq!(
///     answers[0].encode().unwrap(),
///     b"##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&3240\r\n"
/// );
/// ```
pub fn answer_for(packet: &Packet<'_>, options: &AnswerOptions) -> Vec<Packet<'static>> {
    let header = &packet.header;
    let version = header.version();
    let wants = header.needs_answer();
    match header.cn {
        Cn::RequestAnswer | Cn::NotifyAnswer | Cn::DataAnswer => Vec::new(),
        Cn::ExecutionResult if version == Version::V2005 && wants => vec![data_answer(packet)],
        Cn::ExecutionResult => Vec::new(),
        Cn::TimeCalibrationRequest => {
            let mut out = vec![notify_answer(packet)];
            if let Some(now) = options.now {
                out.push(set_time(packet, now, packet.cp.get("PolId")));
            }
            out
        }
        Cn::Heartbeat | Cn::UploadHardwareSerial if wants => vec![notify_answer(packet)],
        _ if !wants => Vec::new(),
        _ => match Message::from_packet(packet) {
            Message::KeyRequest { .. } => vec![notify_answer(packet)],
            // Requests and commands travel from the platform to the device: nothing to answer.
            Message::HistoryRequest { .. }
            | Message::GetTime { .. }
            | Message::SetTime { .. }
            | Message::SetMn { .. }
            | Message::KeyIssue { .. }
            | Message::Parameter { .. }
            | Message::Control { .. } => Vec::new(),
            _ => vec![data_answer(packet)],
        },
    }
}

/// The header of an answer to `packet`: `ST=91`, the given command, same PW and MN, Flag with the same
/// version bits and A = 0; the QN echoed in the header except for HJ/T 212-2005.
fn answer_header(packet: &Packet<'_>, cn: Cn) -> Header<'static> {
    let h = &packet.header;
    let version = h.version();
    Header {
        qn: if version == Version::V2005 {
            None
        } else {
            h.qn.clone().map(|q| Qn(Cow::Owned(q.0.into_owned())))
        },
        st: St::INTERACTION,
        cn,
        pw: h.pw.as_ref().map(|p| Cow::Owned(p.to_string())),
        mn: h.mn.as_ref().map(|m| Mn(Cow::Owned(m.as_str().to_owned()))),
        flag: h.flag.map(|_| Flag::new(version, false, false)),
        pnum: None,
        pno: None,
        rf: None,
        extra: Vec::new(),
    }
}

/// 9014 data answer to an upload (HJ 212-2017 C.14, C.50: one per segment, echoing that segment's QN).
/// HJ/T 212-2005: `CP=&&QN=…;CN=<answered>[;PNO=…;PNUM=…]&&`.
pub fn data_answer(packet: &Packet<'_>) -> Packet<'static> {
    let header = answer_header(packet, Cn::DataAnswer);
    let cp = if packet.version() == Version::V2005 {
        let h = &packet.header;
        let mut cp = CpBuilder::new();
        if let Some(qn) = &h.qn {
            cp = cp.group().item("QN", qn.as_str());
        }
        cp = cp.group().item("CN", &h.cn.to_string());
        if let (Some(pnum), Some(pno)) = (h.pnum, h.pno) {
            cp = cp
                .group()
                .item("PNO", &pno.to_string())
                .group()
                .item("PNUM", &pnum.to_string());
        }
        cp.build()
    } else {
        Cp::empty()
    };
    Packet::new(header, cp)
}

/// 9013 notification answer (HJ 212-2017 C.4; HJ 212-2025 C2, C7, C54r). HJ/T 212-2005: `CP=&&QN=…&&`.
pub fn notify_answer(packet: &Packet<'_>) -> Packet<'static> {
    let header = answer_header(packet, Cn::NotifyAnswer);
    let cp = match (&packet.header.qn, packet.version()) {
        (Some(qn), Version::V2005) => CpBuilder::new().item("QN", qn.as_str()).build(),
        _ => Cp::empty(),
    };
    Packet::new(header, cp)
}

/// 9011 request answer a device sends to a platform request (HJ 212-2017 C.1; for the simulator).
/// `qn_rtn`: 1 ready, 2 refused, 3 PW error, … (HJ 212-2017 Table 9).
pub fn request_answer(request: &Packet<'_>, qn_rtn: u16) -> Packet<'static> {
    let mut cp = CpBuilder::new();
    if let (Some(qn), Version::V2005) = (&request.header.qn, request.version()) {
        cp = cp.item("QN", qn.as_str()).group();
    }
    Packet::new(
        answer_header(request, Cn::RequestAnswer),
        cp.item("QnRtn", &qn_rtn.to_string()).build(),
    )
}

/// 9012 execution result a device sends when a platform request is done (HJ 212-2017 C.1; for the
/// simulator). `exe_rtn`: 1 success, 2 failed, … 100 no data (HJ 212-2017 Table 8).
pub fn execution_result(request: &Packet<'_>, exe_rtn: u16) -> Packet<'static> {
    let mut cp = CpBuilder::new();
    if let (Some(qn), Version::V2005) = (&request.header.qn, request.version()) {
        cp = cp.item("QN", qn.as_str()).group();
    }
    Packet::new(
        answer_header(request, Cn::ExecutionResult),
        cp.item("ExeRtn", &exe_rtn.to_string()).build(),
    )
}

/// A new platform request to the device that sent `to` (same ST, PW, MN and version; Flag A = 1, QN = `now`
/// with milliseconds).
pub fn request(to: &Packet<'_>, cn: Cn, now: Timestamp, cp: Cp<'static>) -> Packet<'static> {
    let h = &to.header;
    let header = Header {
        qn: Some(Qn::from_time(now)),
        st: St(Cow::Owned(h.st.as_str().to_owned())),
        cn,
        pw: h.pw.as_ref().map(|p| Cow::Owned(p.to_string())),
        mn: h.mn.as_ref().map(|m| Mn(Cow::Owned(m.as_str().to_owned()))),
        flag: Some(Flag::new(h.version(), false, true)),
        pnum: None,
        pno: None,
        rf: None,
        extra: Vec::new(),
    };
    Packet::new(header, cp)
}

/// 1012 set field time (HJ 212-2017 C.3), sent after answering a 1013 (`now` is the platform's local
/// time; `pol_id` names the instrument when the request did).
fn set_time(to: &Packet<'_>, now: Timestamp, pol_id: Option<&str>) -> Packet<'static> {
    let mut cp = CpBuilder::new();
    if let Some(pol_id) = pol_id {
        cp = cp.item("PolId", pol_id).group();
    }
    let cp = cp
        .item("SystemTime", &now.without_millis().to_string())
        .build();
    request(to, Cn::SetTime, now, cp)
}

/// 1002 assign an MN (HJ 212-2025 C3) to the logger that registered with `registration` (a 1001).
pub fn assign_mn(registration: &Packet<'_>, new_mn: &str, now: Timestamp) -> Packet<'static> {
    let logger_id = registration.cp.get("i23005-Info").unwrap_or_default();
    let mut packet = request(
        registration,
        Cn::SetMn,
        now,
        CpBuilder::new().item("i23005-Info", logger_id).build(),
    );
    packet.header.mn = Some(Mn(Cow::Owned(new_mn.to_owned())));
    packet
}

/// 1014 issue a new SM4 key (HJ 212-2025 C8): `SKCreateTime,NewSK`. Send it with
/// [`Packet::encode_encrypted`] under the current key (§6.4.4).
pub fn issue_key(
    to: &Packet<'_>,
    new_key: &str,
    created: Timestamp,
    now: Timestamp,
) -> Packet<'static> {
    let created = created.with_millis(created.millis.unwrap_or(0)).to_string();
    let cp = CpBuilder::new()
        .item("SKCreateTime", &created)
        .item("NewSK", new_key)
        .build();
    request(to, Cn::NewKey, now, cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(data: &[u8]) -> Vec<String> {
        let packet = Packet::parse(data).unwrap();
        let now = Timestamp::parse("20240601085900123");
        answer_for(&packet, &AnswerOptions { now })
            .iter()
            .map(|p| String::from_utf8(p.encode().unwrap()).unwrap())
            .collect()
    }

    #[test]
    fn version_matched_data_answers() {
        assert_eq!(
            answers(b"QN=20240601085857223;ST=31;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&DataTime=20240601085857&&"),
            vec!["##0087QN=20240601085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=8;CP=&&&&21C0\r\n"]
        );
        let old = answers(b"QN=20040516010101001;ST=32;CN=2051;PW=123456;MN=88888880000001;Flag=3;PNUM=2;PNO=1;CP=&&DataTime=20040506111000&&");
        assert_eq!(old.len(), 1);
        assert!(old[0].contains("ST=91;CN=9014;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;CN=2051;PNO=1;PNUM=2&&"), "{}", old[0]);
        assert!(
            old[0][6..].starts_with("ST=91;"),
            "2005 answers carry the QN in the CP only"
        );
    }

    #[test]
    fn nothing_for_answers_or_no_answer_wanted() {
        assert!(
            answers(b"QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=1;Flag=4;CP=&&QnRtn=1&&")
                .is_empty()
        );
        assert!(answers(b"QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=1;Flag=4;CP=&&DataTime=20160801085857&&").is_empty());
        assert!(answers(b"ST=32;CN=2011;PW=123456;MN=1;CP=&&DataTime=20160801085857&&").is_empty());
        assert!(answers(b"QN=20160801085857223;ST=32;CN=2061;PW=1;MN=1;Flag=5;CP=&&BeginTime=20160801080000;EndTime=20160801080000&&").is_empty());
    }

    #[test]
    fn time_calibration_and_heartbeat() {
        let got = answers(b"QN=20160801085857223;ST=32;CN=1013;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&PolId=w01018&&");
        assert_eq!(
            got[0],
            "##0087QN=20160801085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&2A80\r\n"
        );
        assert!(got[1].contains("QN=20240601085900123;ST=32;CN=1012;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&PolId=w01018;SystemTime=20240601085900&&"));
        assert_eq!(
            answers(b"QN=20240601085857223;ST=32;CN=9015;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&&&"),
            vec!["##0087QN=20240601085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=8;CP=&&&&3900\r\n"]
        );
    }
}

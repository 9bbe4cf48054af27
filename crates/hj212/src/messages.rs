//! Typed messages: what a packet means, by command code (HJ 212-2017 §6.6.5 Table 7 and Appendix C;
//! HJ 212-2025 Table 12 and Appendix C as numbered in `hj212-2025.md` §5–§6).
//!
//! [`Message::from_packet`] never fails: a field that is missing or malformed is `None`, and a command
//! that is not modelled (or a vendor extension) is [`Message::Other`] with the packet kept intact.
//! A message borrows from its [`Packet`]; values keep their exact text.

use crate::cp::{Cp, DataFlag, Field, Item};
use crate::packet::{Cn, Packet};
use crate::time::Timestamp;

/// What a data upload reports (HJ 212-2017 Table 7 "数据命令"; HJ 212-2025 additions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// 2011: real-time data (also ST 44 electricity and ST 45 production conditions in HJ 212-2025).
    RealTime,
    /// 2021: facility run state (`SBx-RS`).
    RunState,
    /// 2031: daily data.
    Day,
    /// 2041: daily facility running time (`SBx-RT`).
    RunTime,
    /// 2051: minute data.
    Minute,
    /// 2061: hourly data.
    Hour,
    /// 2013: HJ 212-2025 raw (periodic) monitoring data.
    Raw,
    /// 2052: HJ 212-2025 single noise measurements.
    NoiseSingle,
    /// 2062: HJ 212-2025 automatic standard-check (calibration) data.
    StandardCheck,
    /// 2111: HJ 212-2025 furnace temperature 5-minute mean.
    FurnaceTemperature,
}

impl DataKind {
    /// The data kind of an upload command, if it is one.
    pub fn from_cn(cn: Cn) -> Option<DataKind> {
        Some(match cn {
            Cn::RealTimeData => DataKind::RealTime,
            Cn::RunState => DataKind::RunState,
            Cn::DayData => DataKind::Day,
            Cn::RunTimeData => DataKind::RunTime,
            Cn::MinuteData => DataKind::Minute,
            Cn::HourData => DataKind::Hour,
            Cn::RawData => DataKind::Raw,
            Cn::NoiseSingleData => DataKind::NoiseSingle,
            Cn::StandardCheckData => DataKind::StandardCheck,
            Cn::FurnaceTemperature => DataKind::FurnaceTemperature,
            _ => return None,
        })
    }
}

/// A data upload: `DataTime` and the measured values (HJ 212-2017 C.14–C.20, C.50; HJ 212-2025 C18–C40).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataUpload<'p> {
    /// Which data.
    pub kind: DataKind,
    /// `DataTime` (start of the interval for 2051/2061/2031/2041; sampling moment for 2011), 14 or 17 digits.
    pub data_time: Option<Timestamp>,
    /// `DataTime`'s text as sent.
    pub data_time_text: Option<&'p str>,
    cp: &'p Cp<'p>,
}

impl<'p> DataUpload<'p> {
    /// The factor values in order: every item with a factor code (`w01018-Rtd=2.2`, `SB1-RS=1`, `LA-Data=…`).
    pub fn values(&self) -> impl Iterator<Item = Value<'p>> + use<'p> {
        self.cp.items().filter_map(|item| {
            let code = item.code?;
            Some(Value {
                code,
                field: item.field_kind(),
                field_name: item.field,
                text: item.value,
            })
        })
    }

    /// The data area, for items that are not factor values.
    pub fn cp(&self) -> &'p Cp<'p> {
        self.cp
    }
}

/// One reported value: factor code, field and the value's exact text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value<'p> {
    /// The factor code (Appendix B), e.g. `w01018`, `a34004`, or a vendor code.
    pub code: &'p str,
    /// The field kind.
    pub field: Field,
    /// The field's name as sent.
    pub field_name: &'p str,
    /// The value's exact text.
    pub text: &'p str,
}

impl Value<'_> {
    /// The value as a number, when it is one.
    pub fn number(&self) -> Option<f64> {
        self.text.parse().ok()
    }

    /// The data flag, when this is a `-Flag` item.
    pub fn flag(&self) -> Option<DataFlag> {
        (self.field == Field::Flag).then(|| DataFlag::parse(self.text))
    }
}

/// A packet's meaning. Requests the platform sends and the answers and uploads devices send are both here,
/// so that the simulator and the gateway share one vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message<'p> {
    /// Data upload 2011/2021/2031/2041/2051/2061 (and 2025: 2013/2052/2062/2111) carrying `DataTime`.
    Data(DataUpload<'p>),
    /// A platform request for history data (2011 with ST 44, 2013, 2031, 2041, 2051, 2052, 2061, 2062):
    /// `BeginTime`/`EndTime` (HJ 212-2017 C.21–C.23; HJ 212-2025 C27, C39).
    HistoryRequest {
        /// The command asked for.
        cn: Cn,
        /// `BeginTime`.
        begin: Option<Timestamp>,
        /// `EndTime`.
        end: Option<Timestamp>,
    },
    /// 2081: data logger power-on time (HJ 212-2017 C.24).
    PowerOn {
        /// `DataTime`.
        data_time: Option<Timestamp>,
        /// `RestartTime`.
        restart_time: Option<Timestamp>,
    },
    /// 1011 from the device: field time upload (HJ 212-2017 C.2).
    TimeUpload {
        /// `PolId`, when the time is an instrument's.
        pol_id: Option<&'p str>,
        /// `SystemTime`.
        system_time: Option<Timestamp>,
    },
    /// 1011 from the platform: get the field time (HJ 212-2017 C.2).
    GetTime {
        /// `PolId`, when an instrument's time is asked for.
        pol_id: Option<&'p str>,
    },
    /// 1012: set the field time (HJ 212-2017 C.3).
    SetTime {
        /// `PolId`, when an instrument's time is set.
        pol_id: Option<&'p str>,
        /// `SystemTime`.
        system_time: Option<Timestamp>,
    },
    /// 1013: time-calibration request from the device (HJ 212-2017 C.4).
    TimeCalibrationRequest {
        /// `PolId`.
        pol_id: Option<&'p str>,
    },
    /// 1001: HJ 212-2025 C2, the logger's hardware fingerprint, sent before it has an MN.
    HardwareRegistration {
        /// `i23005-Info`: logger serial / id.
        logger_id: Option<&'p str>,
        /// `i23006-Info`: CPU id.
        cpu_id: Option<&'p str>,
        /// `i23007-Info`: first MAC address.
        mac1: Option<&'p str>,
        /// `i23008-Info`: second MAC address.
        mac2: Option<&'p str>,
    },
    /// 1002: HJ 212-2025 C3, the platform assigns an MN (in the header) to the logger named in the CP.
    SetMn {
        /// `i23005-Info`: the logger serial the new MN is for.
        logger_id: Option<&'p str>,
    },
    /// 1014 without `NewSK`: HJ 212-2025 C7, the device asks for a new key.
    KeyRequest {
        /// `SKCreateTime` (17 digits).
        sk_create_time: Option<Timestamp>,
    },
    /// 1014 with `NewSK`: HJ 212-2025 C8, the platform issues a new key.
    KeyIssue {
        /// `SKCreateTime`.
        sk_create_time: Option<Timestamp>,
        /// `NewSK`: the 16-character key.
        new_sk: &'p str,
    },
    /// 9015: HJ 212-2025 C54 heartbeat.
    Heartbeat,
    /// 9011: request answer (HJ 212-2017 Table 9 `QnRtn`). In 2005 the answered QN is in the CP.
    RequestAnswer {
        /// `QnRtn`: 1 ready, 2 refused, 3 PW error, 4 MN error, 5 ST error, 6 Flag error, 7 QN error,
        /// 8 CN error, 9 CRC error, 100 unknown.
        qn_rtn: Option<u16>,
        /// 2005: the answered request's QN, carried in the CP.
        cp_qn: Option<&'p str>,
    },
    /// 9012: execution result (HJ 212-2017 Table 8 `ExeRtn`).
    ExecutionResult {
        /// `ExeRtn`: 1 success, 2 failed, 3 bad condition, 4 timeout, 5 busy, 6 fault, 100 no data.
        exe_rtn: Option<u16>,
        /// 2005: the answered request's QN, carried in the CP.
        cp_qn: Option<&'p str>,
    },
    /// 9013: notification answer.
    NotifyAnswer,
    /// 9014: data answer. In 2005 the CP says which QN and CN it acknowledges.
    DataAnswer {
        /// 2005: `QN` in the CP.
        cp_qn: Option<&'p str>,
        /// 2005: `CN` in the CP.
        cp_cn: Option<&'p str>,
    },
    /// Parameter commands 1000, 1061–1064, 1072 and the stop notices 2012/2022 (HJ 212-2017 C.1, C.5–C.13).
    Parameter {
        /// The command.
        cn: Cn,
    },
    /// Control commands 3011–3024 with `PolId` (HJ 212-2017 C.41–C.49; HJ 212-2025 C41, C61, C62).
    Control {
        /// The command.
        cn: Cn,
        /// `PolId`.
        pol_id: Option<&'p str>,
        /// `CalibrationType` (HJ 212-2025 3011: 0 zero, 1 span).
        calibration_type: Option<&'p str>,
    },
    /// 3020 field information, 3019 instrument serials and other uploads of `i`-codes.
    FieldInfo {
        /// The command.
        cn: Cn,
        /// `DataTime`.
        data_time: Option<Timestamp>,
        /// `PolId`.
        pol_id: Option<&'p str>,
    },
    /// Any other command (vendor 9021, reserved codes, …): the packet itself holds everything.
    Other {
        /// The command.
        cn: Cn,
    },
}

fn time(cp: &Cp<'_>, key: &str) -> Option<Timestamp> {
    cp.get(key).and_then(Timestamp::parse)
}

fn number(cp: &Cp<'_>, key: &str) -> Option<u16> {
    cp.get(key).and_then(|v| v.trim().parse().ok())
}

impl<'p> Message<'p> {
    /// The meaning of `packet`.
    pub fn from_packet<'a: 'p>(packet: &'p Packet<'a>) -> Message<'p> {
        let cp: &'p Cp<'p> = &packet.cp;
        let cn = packet.header.cn;
        let has = |key: &str| cp.items().any(|i: Item<'_>| i.key == key);
        match cn {
            Cn::RealTimeData
            | Cn::RunState
            | Cn::DayData
            | Cn::RunTimeData
            | Cn::MinuteData
            | Cn::HourData
            | Cn::RawData
            | Cn::NoiseSingleData
            | Cn::StandardCheckData
            | Cn::FurnaceTemperature => {
                // History requests start with BeginTime (HJ 212-2017 C.21–C.23), uploads with DataTime:
                // the first item decides without a scan of the whole data area.
                let first = cp.items().next();
                let first_key = first.map(|i| i.key);
                if first_key == Some("BeginTime")
                    || (first_key != Some("DataTime") && has("BeginTime"))
                    || (cp.is_empty() && cn != Cn::RealTimeData && cn != Cn::RunState)
                {
                    return Message::HistoryRequest {
                        cn,
                        begin: time(cp, "BeginTime"),
                        end: time(cp, "EndTime"),
                    };
                }
                let data_time_text = match first {
                    Some(item) if item.key == "DataTime" => Some(item.value),
                    _ => cp.get("DataTime"),
                };
                let kind = DataKind::from_cn(cn).unwrap_or(DataKind::RealTime);
                Message::Data(DataUpload {
                    kind,
                    data_time: data_time_text.and_then(Timestamp::parse),
                    data_time_text,
                    cp,
                })
            }
            Cn::PowerOnTime => Message::PowerOn {
                data_time: time(cp, "DataTime"),
                restart_time: time(cp, "RestartTime"),
            },
            Cn::GetTime if has("SystemTime") => Message::TimeUpload {
                pol_id: cp.get("PolId"),
                system_time: time(cp, "SystemTime"),
            },
            Cn::GetTime => Message::GetTime {
                pol_id: cp.get("PolId"),
            },
            Cn::SetTime => Message::SetTime {
                pol_id: cp.get("PolId"),
                system_time: time(cp, "SystemTime"),
            },
            Cn::TimeCalibrationRequest => Message::TimeCalibrationRequest {
                pol_id: cp.get("PolId"),
            },
            Cn::UploadHardwareSerial => Message::HardwareRegistration {
                logger_id: cp.get("i23005-Info"),
                cpu_id: cp.get("i23006-Info"),
                mac1: cp.get("i23007-Info"),
                mac2: cp.get("i23008-Info"),
            },
            Cn::SetMn => Message::SetMn {
                logger_id: cp.get("i23005-Info"),
            },
            Cn::NewKey => match cp.get("NewSK") {
                Some(new_sk) => Message::KeyIssue {
                    sk_create_time: time(cp, "SKCreateTime"),
                    new_sk,
                },
                None => Message::KeyRequest {
                    sk_create_time: time(cp, "SKCreateTime"),
                },
            },
            Cn::Heartbeat => Message::Heartbeat,
            Cn::RequestAnswer => Message::RequestAnswer {
                qn_rtn: number(cp, "QnRtn"),
                cp_qn: cp.get("QN"),
            },
            Cn::ExecutionResult => Message::ExecutionResult {
                exe_rtn: number(cp, "ExeRtn"),
                cp_qn: cp.get("QN"),
            },
            Cn::NotifyAnswer => Message::NotifyAnswer,
            Cn::DataAnswer => Message::DataAnswer {
                cp_qn: cp.get("QN"),
                cp_cn: cp.get("CN"),
            },
            Cn::SetTimeoutRetry
            | Cn::GetRealTimeInterval
            | Cn::SetRealTimeInterval
            | Cn::GetMinuteInterval
            | Cn::SetMinuteInterval
            | Cn::SetPassword
            | Cn::StopRealTimeData
            | Cn::StopRunState => Message::Parameter { cn },
            Cn::Calibrate
            | Cn::Sample
            | Cn::Clean
            | Cn::ComparisonSample
            | Cn::OverLimitRetention
            | Cn::SetSamplingPeriod
            | Cn::GetSamplingPeriod
            | Cn::GetSampleOutputTime
            | Cn::SetFieldParameter
            | Cn::RetentionTask
            | Cn::StartStandardCheck => Message::Control {
                cn,
                pol_id: cp.get("PolId"),
                calibration_type: cp.get_ignore_case("CalibrationType"),
            },
            Cn::FieldInfo | Cn::GetInstrumentSerial => Message::FieldInfo {
                cn,
                data_time: time(cp, "DataTime"),
                pol_id: cp.get("PolId"),
            },
            Cn::Unknown(_) => Message::Other { cn },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_data_values_keep_text() {
        let data = b"QN=20160801085000001;ST=32;CN=2051;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801084000;w00000-Cou=10.5,w00000-Min=16.4,w00000-Flag=N;w01001-Avg=7.50&&";
        let packet = Packet::parse(data).unwrap();
        let Message::Data(upload) = Message::from_packet(&packet) else {
            panic!("not data")
        };
        assert_eq!(upload.kind, DataKind::Minute);
        assert_eq!(upload.data_time.unwrap().to_string(), "20160801084000");
        let values: Vec<_> = upload.values().map(|v| (v.code, v.field, v.text)).collect();
        assert_eq!(values[3], ("w01001", Field::Avg, "7.50"));
        assert_eq!(
            upload.values().filter_map(|v| v.flag()).collect::<Vec<_>>(),
            vec![DataFlag::Normal]
        );
    }

    #[test]
    fn requests_and_2025_messages() {
        let history = Packet::parse(b"QN=1;ST=32;CN=2061;PW=1;MN=1;Flag=5;CP=&&BeginTime=20160801080000;EndTime=20160801080000&&").unwrap();
        assert!(matches!(
            Message::from_packet(&history),
            Message::HistoryRequest {
                cn: Cn::HourData,
                begin: Some(_),
                end: Some(_)
            }
        ));
        let key = Packet::parse(b"QN=1;ST=32;CN=1014;PW=1;MN=1;Flag=9;CP=&&SKCreateTime=20240601085857223,NewSK=0000000000000000&&").unwrap();
        assert!(matches!(
            Message::from_packet(&key),
            Message::KeyIssue {
                new_sk: "0000000000000000",
                sk_create_time: Some(_)
            }
        ));
        let vendor = Packet::parse(b"QN=1;ST=21;CN=9021;PW=1;MN=1;Flag=5;CP=&&&&").unwrap();
        assert_eq!(
            Message::from_packet(&vendor),
            Message::Other {
                cn: Cn::Unknown(9021)
            }
        );
    }
}

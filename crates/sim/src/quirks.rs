//! How a device puts a packet on the wire, quirks included: protocol dialect (QN and Flag or not, version
//! bits), check-sum style and terminator. The packet itself is built with the `hj212` codec.

use crate::devices::{CrcStyle, DeviceSpec, Dialect, LineEnd};
use hj212::packet::{Flag, Header, Qn, Version};
use hj212::{Cn, Cp, Packet, Timestamp};

impl Dialect {
    /// The version bits this dialect writes.
    pub fn version(self) -> Version {
        match self {
            Dialect::V2005 => Version::V2005,
            Dialect::V2017 => Version::V2017,
            Dialect::V2025 => Version::V2025,
        }
    }
}

/// A frame from `spec` with command `cn` and data area `cp`. `qn` is the device's local time of sending
/// (ignored by the 2005 dialect, which sends neither QN nor Flag on uploads); `needs_answer` sets Flag A.
pub fn frame(spec: &DeviceSpec, cn: Cn, qn: Timestamp, cp: String, needs_answer: bool) -> Vec<u8> {
    let mut header = Header::new(spec.kind.st(), cn, spec.password.as_str(), spec.mn.as_str());
    if spec.quirks.dialect != Dialect::V2005 {
        header.qn = Some(Qn::from_time(qn));
        header.flag = Some(Flag::new(
            spec.quirks.dialect.version(),
            false,
            needs_answer,
        ));
    }
    let data = Packet::new(header, Cp::new(cp)).data_segment();
    finish(spec, &data)
}

/// Frames a data segment with the device's CRC style and terminator.
pub fn finish(spec: &DeviceSpec, data: &[u8]) -> Vec<u8> {
    let crc = match spec.quirks.crc {
        CrcStyle::Standard => hj212::crc::crc16(data),
        CrcStyle::ModbusLowByteFirst => hj212::crc::crc16_modbus(data).swap_bytes(),
    };
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(format!("##{:04}", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&hj212::crc::format_crc(crc));
    out.extend_from_slice(match spec.quirks.line_end {
        LineEnd::CrLf => b"\r\n",
        LineEnd::LfOnly => b"\n",
    });
    out
}

/// A packet the device sends in reply to a platform request (9011 / 9012), built by the codec and framed
/// with the device's quirks.
pub fn reply(spec: &DeviceSpec, packet: &Packet<'_>) -> Vec<u8> {
    finish(spec, &packet.data_segment())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Quirk;
    use crate::fleet::{Profile, fleet};
    use hj212::{CrcPolicy, Framer, FramerConfig};

    fn parse(
        bytes: &[u8],
        policy: CrcPolicy,
    ) -> Result<(String, Option<hj212::CrcVariant>), String> {
        let mut framer = Framer::new(FramerConfig::default().with_crc_policy(policy));
        framer.push(bytes);
        framer.finish();
        match framer.next_frame() {
            Some(Ok(f)) => Ok((String::from_utf8(f.data.to_vec()).unwrap(), f.crc.variant)),
            Some(Err(r)) => Err(r.error.kind().to_string()),
            None => Err("nothing".into()),
        }
    }

    #[test]
    fn each_quirk_on_the_wire() {
        let t = Timestamp::parse("20261128080000123").unwrap();
        let mut d = fleet(1, 1, Profile::Demo).remove(0);
        let plain = frame(
            &d,
            Cn::RealTimeData,
            t,
            "DataTime=20261128080000".into(),
            true,
        );
        let (data, variant) = parse(&plain, CrcPolicy::Strict).unwrap();
        assert!(
            data.starts_with("QN=20261128080000123;ST=22;CN=2011;"),
            "{data}"
        );
        assert!(data.contains(";Flag=5;"));
        assert_eq!(variant, None);
        assert!(plain.ends_with(b"\r\n"));

        d.quirks = Quirk::Dialect2025.quirks();
        let (data, _) = parse(
            &frame(&d, Cn::RealTimeData, t, String::new(), true),
            CrcPolicy::Strict,
        )
        .unwrap();
        assert!(data.contains(";Flag=9;"), "{data}");

        d.quirks = Quirk::Dialect2005.quirks();
        let (data, _) = parse(
            &frame(&d, Cn::RealTimeData, t, String::new(), true),
            CrcPolicy::Strict,
        )
        .unwrap();
        assert!(
            data.starts_with("ST=22;CN=2011;PW=") && !data.contains("Flag") && !data.contains("QN")
        );

        d.quirks = Quirk::ModbusCrc.quirks();
        let modbus = frame(&d, Cn::RealTimeData, t, String::new(), true);
        assert_eq!(
            parse(&modbus, CrcPolicy::Strict).unwrap_err(),
            "crc_mismatch"
        );
        assert_eq!(
            parse(&modbus, CrcPolicy::Lenient).unwrap().1,
            Some(hj212::CrcVariant::ModbusByteSwapped)
        );

        d.quirks = Quirk::LfOnly.quirks();
        let lf = frame(&d, Cn::RealTimeData, t, String::new(), true);
        assert!(lf.ends_with(b"0\n") || !lf.ends_with(b"\r\n"));
        assert!(parse(&lf, CrcPolicy::Strict).is_ok());
    }
}

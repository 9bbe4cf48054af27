//! Properties through the public API: round trips, chunking, garbage, arbitrary input.

use std::borrow::Cow;

use hj212::{
    AnswerOptions, Cn, Cp, CpBuilder, Flag, Framer, FramerConfig, Header, Message, Mn, Packet, Qn,
    St, Version, answer_for, frames,
};
use proptest::prelude::*;

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[0-9]{{{n}}}")).unwrap()
}

fn arb_cp() -> impl Strategy<Value = Cp<'static>> {
    let item = (
        "[a-z][0-9]{5}|SB[0-9]|DataTime|PolId",
        "(-(Rtd|Avg|Min|Max|Cou|Flag|ZsRtd|RS))?",
        "[0-9A-Za-z.\\-]{0,10}",
    );
    proptest::collection::vec(proptest::collection::vec(item, 1..5), 0..12).prop_map(|groups| {
        let mut cp = CpBuilder::new();
        for group in groups {
            cp = cp.group();
            for (code, field, value) in group {
                cp = cp.item(&format!("{code}{field}"), &value);
            }
        }
        cp.build()
    })
}

fn arb_packet() -> impl Strategy<Value = Packet<'static>> {
    let cns = prop::sample::select(vec![
        1011u16, 1013, 1062, 2011, 2051, 2061, 2031, 2041, 2081, 9011, 9014, 9015, 9021, 3020,
    ]);
    (
        proptest::option::of(digits(17)),
        "[0-9A-Z]{2}",
        cns,
        proptest::option::of("[0-9a-zA-Z]{0,6}"),
        proptest::option::of("[0-9A-F]{0,24}"),
        proptest::option::of(0u8..=11),
        proptest::option::of((1u16..20, 1u16..20)),
        proptest::option::of(Just("1")),
        arb_cp(),
    )
        .prop_map(|(qn, st, cn, pw, mn, flag, numbers, rf, cp)| {
            let header = Header {
                qn: qn.map(|q| Qn(Cow::Owned(q))),
                st: St(Cow::Owned(st)),
                cn: Cn::from_code(cn),
                pw: pw.map(Cow::Owned),
                mn: mn.map(|m| Mn(Cow::Owned(m))),
                flag: flag.map(Flag),
                pnum: numbers.map(|n| n.0),
                pno: numbers.map(|n| n.1),
                rf: rf.map(Cow::Borrowed),
                extra: Vec::new(),
            };
            Packet::new(header, cp)
        })
}

fn terminator() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![b"\r\n".as_slice(), b"\n", b"", b"\r\r\n"])
}

/// Garbage that cannot itself start a frame header: any bytes without '#'.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>().prop_filter("no #", |b| *b != b'#'), 0..40)
}

/// What a framer found: frames as (offset, raw bytes), rejected candidates as (offset, error kind).
type Outcome = Vec<Result<(u64, Vec<u8>), (u64, &'static str)>>;

/// Decodes `input` fed to a streaming framer in the given chunk sizes; frames as (offset, raw) or error kind.
fn streamed(input: &[u8], cuts: &[usize], config: &FramerConfig) -> Outcome {
    let mut framer = Framer::new(config.clone());
    let mut out = Vec::new();
    let drain = |framer: &mut Framer, out: &mut Vec<_>| {
        while let Some(r) = framer.next_frame() {
            out.push(
                r.map(|f| (f.offset, f.raw.to_vec()))
                    .map_err(|e| (e.offset, e.error.kind())),
            );
        }
    };
    let mut at = 0;
    for &cut in cuts {
        let end = (at + cut).min(input.len());
        framer.push(&input[at..end]);
        drain(&mut framer, &mut out);
        at = end;
    }
    framer.push(&input[at..]);
    framer.finish();
    drain(&mut framer, &mut out);
    out
}

fn whole(input: &[u8], config: &FramerConfig) -> Outcome {
    frames(input, config)
        .map(|r| {
            r.map(|f| (f.offset, f.raw.to_vec()))
                .map_err(|e| (e.offset, e.error.kind()))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn encode_then_decode_gives_the_packet_back(packet in arb_packet()) {
        let bytes = packet.encode().unwrap();
        let found: Vec<_> = frames(&bytes, &FramerConfig::default()).collect();
        prop_assert_eq!(found.len(), 1);
        let frame = found[0].as_ref().unwrap();
        prop_assert!(frame.length_ok());
        let decoded = Packet::parse(&frame.data).unwrap();
        prop_assert_eq!(&decoded.header, &packet.header);
        prop_assert_eq!(decoded.cp.as_str(), packet.cp.as_str());
        prop_assert_eq!(decoded.encode().unwrap(), bytes.clone());
        // Typed view and answers never fail on it; answers are themselves valid frames.
        let _ = Message::from_packet(&decoded);
        for answer in answer_for(&decoded, &AnswerOptions::default()) {
            let answer_bytes = answer.encode().unwrap();
            let frame = frames(&answer_bytes, &FramerConfig::default()).next().unwrap().unwrap();
            let parsed = Packet::parse(&frame.data).unwrap();
            prop_assert_eq!(parsed.header.st.as_str(), "91");
            let answer_version = if decoded.header.flag.is_some() { decoded.version() } else { Version::V2005 };
            prop_assert_eq!(parsed.version(), answer_version);
        }
    }

    #[test]
    fn any_chunking_yields_the_same_frames(
        packets in proptest::collection::vec((arb_packet(), terminator(), garbage()), 1..6),
        cuts in proptest::collection::vec(1usize..200, 0..30),
    ) {
        let mut input = Vec::new();
        for (packet, term, junk) in &packets {
            input.extend_from_slice(junk);
            let bytes = packet.encode().unwrap();
            input.extend_from_slice(&bytes[..bytes.len() - 2]);
            input.extend_from_slice(term);
        }
        let config = FramerConfig::default();
        let expected = whole(&input, &config);
        prop_assert_eq!(expected.len(), packets.len());
        prop_assert!(expected.iter().all(Result::is_ok));
        prop_assert_eq!(streamed(&input, &cuts, &config), expected.clone());
        let byte_by_byte = vec![1; input.len()];
        prop_assert_eq!(streamed(&input, &byte_by_byte, &config), expected);
    }

    #[test]
    fn inserted_garbage_loses_no_valid_frame(
        packets in proptest::collection::vec(arb_packet(), 1..5),
        junk in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 5),
        cuts in proptest::collection::vec(1usize..300, 0..20),
    ) {
        let mut input = Vec::new();
        let mut valid = Vec::new();
        for (i, packet) in packets.iter().enumerate() {
            input.extend_from_slice(&junk[i]);
            let bytes = packet.encode().unwrap();
            valid.push(bytes[..bytes.len() - 2].to_vec());
            input.extend_from_slice(&bytes);
        }
        input.extend_from_slice(&junk[4]);
        let config = FramerConfig::default();
        for result in [whole(&input, &config), streamed(&input, &cuts, &config)] {
            let found: Vec<Vec<u8>> = result.into_iter().filter_map(Result::ok).map(|(_, raw)| raw).collect();
            // Every valid frame is found, in order (garbage may add rejected candidates, never hide a frame).
            let mut rest = found.iter();
            for frame in &valid {
                prop_assert!(rest.any(|f| f == frame), "lost {}", String::from_utf8_lossy(frame));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        input in proptest::collection::vec(any::<u8>(), 0..2000),
        cuts in proptest::collection::vec(1usize..100, 0..20),
        max in 0usize..2000,
    ) {
        for config in [FramerConfig::default(), FramerConfig::default().with_max_data_len(max).with_crc_policy(hj212::CrcPolicy::Off)] {
            for frame in frames(&input, &config).flatten() {
                if let Ok(packet) = Packet::parse(&frame.data) {
                    let _ = Message::from_packet(&packet);
                    let _ = answer_for(&packet, &AnswerOptions::default());
                }
            }
            let _ = streamed(&input, &cuts, &config);
        }
        let _ = Packet::parse(&input);
    }

    #[test]
    fn mutated_frames_never_panic(
        packet in arb_packet(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = packet.encode().unwrap();
        for (index, byte) in flips {
            let i = index.index(bytes.len());
            bytes[i] = byte;
        }
        let config = FramerConfig::default().with_crc_policy(hj212::CrcPolicy::Off);
        for frame in frames(&bytes, &config).flatten() {
            if let Ok(packet) = Packet::parse(&frame.data) {
                let _ = Message::from_packet(&packet);
                let _ = answer_for(&packet, &AnswerOptions::default());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Frames whose length field is wrong (too long or too short) are recovered by locating `&&` + CRC +
    /// terminator, whatever the chunking, and the frames after them are not lost.
    #[test]
    fn wrong_length_fields_recover_under_any_chunking(
        packets in proptest::collection::vec((arb_packet(), -20i32..40, garbage()), 1..5),
        cuts in proptest::collection::vec(1usize..64, 0..40),
    ) {
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for (packet, delta, junk) in &packets {
            input.extend_from_slice(junk);
            let mut bytes = packet.encode().unwrap();
            let len = bytes.len() - 12;
            let wrong = (len as i32 + delta).clamp(0, 9999) as usize;
            bytes[2..6].copy_from_slice(format!("{wrong:04}").as_bytes());
            expected.push(bytes[..bytes.len() - 2].to_vec());
            input.extend_from_slice(&bytes);
        }
        let config = FramerConfig::default();
        let whole_result = whole(&input, &config);
        let found: Vec<Vec<u8>> = whole_result.iter().filter_map(|r| r.as_ref().ok()).map(|(_, raw)| raw.clone()).collect();
        prop_assert_eq!(found, expected);
        prop_assert_eq!(streamed(&input, &cuts, &config), whole_result.clone());
        prop_assert_eq!(streamed(&input, &vec![1; input.len()], &config), whole_result);
    }
}

//! Behaviour against the third-party reference data in `../shared` (skipped when absent, required under CI).

use std::fs;

use hj212::{
    AnswerOptions, CrcPolicy, CrcVariant, FramerConfig, Message, Packet, Sm4Key, Version,
    answer_for, answers, frames,
};

/// Rows of a TSV file as maps from column name to value.
fn tsv(relative: &str) -> Option<Vec<std::collections::HashMap<String, String>>> {
    let path = testdata::shared(relative)?;
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(str::to_owned)
        .collect();
    Some(
        lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                header
                    .iter()
                    .cloned()
                    .zip(l.split('\t').map(str::to_owned))
                    .collect()
            })
            .collect(),
    )
}

fn config(policy: CrcPolicy) -> FramerConfig {
    FramerConfig::default().with_crc_policy(policy)
}

fn variant_named(name: &str) -> Option<CrcVariant> {
    match name {
        "" => None,
        "modbus" => Some(CrcVariant::Modbus),
        "modbus_byteswapped" | "modbus_low_byte_first" => Some(CrcVariant::ModbusByteSwapped),
        other => panic!("unknown variant name {other}"),
    }
}

/// Checks one recorded packet: the frame verdict under strict and lenient policies and its computed CRC.
/// Returns the parsed packet's deviations when the frame is accepted by the strict policy.
fn check_recorded(
    packet: &str,
    crc_ok: bool,
    computed_hex: &str,
    alt: &str,
) -> Option<Vec<hj212::Deviation>> {
    let bytes = packet.as_bytes();
    let strict = config(CrcPolicy::Strict);
    let found: Vec<_> = frames(bytes, &strict).collect();
    assert_eq!(found.len(), 1, "one frame in {packet}");
    let computed = u16::from_str_radix(computed_hex, 16).unwrap();
    let lenient = config(CrcPolicy::Lenient);
    let lenient_found: Vec<_> = frames(bytes, &lenient).collect();
    assert_eq!(lenient_found.len(), 1);
    match (&found[0], crc_ok) {
        (Ok(frame), true) => {
            assert_eq!(frame.crc.computed, computed, "{packet}");
            assert!(frame.length_ok(), "{packet}");
            let parsed = Packet::parse(&frame.data).unwrap_or_else(|e| panic!("{e} in {packet}"));
            Some(parsed.deviations)
        }
        (Err(rejected), false) => {
            assert_eq!(rejected.error.kind(), "crc_mismatch", "{packet}");
            let hj212::FrameError::CrcMismatch {
                computed: c,
                variant,
                ..
            } = &rejected.error
            else {
                unreachable!()
            };
            assert_eq!(*c, computed, "{packet}");
            assert_eq!(*variant, variant_named(alt), "{packet}");
            match (&lenient_found[0], variant_named(alt)) {
                (Ok(frame), Some(v)) => assert_eq!(frame.crc.variant, Some(v)),
                (Err(r), None) => assert_eq!(r.error.kind(), "crc_mismatch"),
                (other, v) => panic!("lenient verdict {other:?} for variant {v:?} in {packet}"),
            }
            let off: Vec<_> = frames(bytes, &config(CrcPolicy::Off)).collect();
            assert!(off[0].is_ok(), "policy off accepts {packet}");
            None
        }
        (verdict, expected) => panic!("expected crc_ok={expected}, got {verdict:?} for {packet}"),
    }
}

#[test]
fn every_vector_gives_its_recorded_verdict() {
    let Some(rows) = tsv("reference/hj212/vectors.tsv") else {
        return;
    };
    assert_eq!(rows.len(), 50);
    let (mut yes, mut no, mut unknown) = (0, 0, 0);
    for row in &rows {
        assert_eq!(row["len_ok"], "true");
        let crc_ok = row["crc_ok"] == "true";
        let deviations = check_recorded(
            &row["packet"],
            crc_ok,
            &row["crc_hj212"],
            &row["crc_alt_match"],
        );
        match row["expected_valid"].as_str() {
            "yes" => {
                yes += 1;
                assert_eq!(
                    deviations,
                    Some(vec![]),
                    "conforming frame: {}",
                    row["packet"]
                );
            }
            "no" => {
                no += 1;
                assert!(deviations.is_none(), "rejected: {}", row["packet"]);
            }
            "unknown" => {
                unknown += 1;
                let deviations = deviations.expect("frame and CRC are fine");
                assert!(
                    !deviations.is_empty(),
                    "non-conforming content must be noted: {}",
                    row["packet"]
                );
            }
            other => panic!("verdict {other}"),
        }
    }
    assert_eq!((yes, no, unknown), (34, 9, 7));
}

#[test]
fn every_corpus_packet_gives_its_recorded_verdict() {
    let Some(rows) = tsv("data/hj212/packets_corpus.tsv") else {
        return;
    };
    assert_eq!(rows.len(), 305);
    let mut accepted = 0;
    for row in &rows {
        assert_eq!(row["len_ok"], "True");
        let crc_ok = row["crc_ok"] == "True";
        if check_recorded(&row["packet"], crc_ok, &row["crc_calc"], &row["alt_crc"]).is_some() {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 297);
}

/// Positions of `##dddd` in `bytes`, counted without the codec.
fn header_positions(bytes: &[u8]) -> Vec<u64> {
    (0..bytes.len().saturating_sub(5))
        .filter(|&i| {
            bytes[i] == b'#'
                && bytes[i + 1] == b'#'
                && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit)
        })
        .map(|i| i as u64)
        .collect()
}

#[test]
fn both_logs_decode_with_every_packet_found() {
    for (log, strict_rejects) in [
        (
            "data/hj212/mutoushirana_HJ212Virtual_Log_excerpt_utf8.txt",
            0,
        ),
        ("data/hj212/tonyxia2016_HJ212Receiver_rx_release.log", 1),
    ] {
        let Some(path) = testdata::shared(log) else {
            return;
        };
        let bytes = fs::read(path).unwrap();
        let expected = header_positions(&bytes);
        assert!(!expected.is_empty());
        let lenient = config(CrcPolicy::Lenient);
        let mut offsets = Vec::new();
        for result in frames(&bytes, &lenient) {
            let frame = result.unwrap_or_else(|r| panic!("{log}: {}", r.error));
            offsets.push(frame.offset);
            let packet = Packet::parse(&frame.data).unwrap();
            let _ = Message::from_packet(&packet);
        }
        assert_eq!(offsets, expected, "{log}");
        let strict = config(CrcPolicy::Strict);
        let all: Vec<_> = frames(&bytes, &strict).collect();
        assert_eq!(all.len(), expected.len());
        assert_eq!(
            all.iter().filter(|r| r.is_err()).count(),
            strict_rejects,
            "{log}"
        );
    }
}

#[test]
fn appendix_c_answers_are_byte_exact() {
    let Some(rows) = tsv("reference/hj212/std_appendixC_constructed.tsv") else {
        return;
    };
    let packets: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let packet = r
                .iter()
                .find(|(k, _)| k.starts_with("framed_packet"))
                .unwrap()
                .1
                .clone();
            (r["appendix_table"].clone(), r["direction"].clone(), packet)
        })
        .collect();
    let mut answered = 0;
    for (i, (table, direction, text)) in packets.iter().enumerate() {
        let frame = frames(text.as_bytes(), &FramerConfig::default())
            .next()
            .unwrap()
            .unwrap();
        let packet = Packet::parse(&frame.data).unwrap();
        // Every packet re-encodes to the same bytes.
        assert_eq!(
            packet.encode().unwrap(),
            format!("{text}\r\n").into_bytes(),
            "{table}"
        );
        if direction != "field->server" {
            continue;
        }
        let answers = answer_for(&packet, &AnswerOptions::default());
        match packets.get(i + 1) {
            Some((next_table, next_dir, expected))
                if next_table == table && next_dir == "server->field" =>
            {
                assert_eq!(answers.len(), 1, "{table}");
                assert_eq!(
                    answers[0].encode().unwrap(),
                    format!("{expected}\r\n").into_bytes(),
                    "{table}"
                );
                answered += 1;
            }
            _ => {
                // 9011/9012 and uploads with Flag=4 expect nothing; other uploads are answered with 9014.
                let wants =
                    packet.header.needs_answer() && !matches!(packet.header.cn.code(), 9011..=9014);
                assert_eq!(answers.len(), usize::from(wants), "{table}");
            }
        }
    }
    assert_eq!(answered, 4);
}

#[test]
fn appendix_c1_device_answers_are_byte_exact() {
    let Some(rows) = tsv("reference/hj212/std_appendixC_constructed.tsv") else {
        return;
    };
    let text = |i: usize| {
        rows[i]
            .iter()
            .find(|(k, _)| k.starts_with("framed_packet"))
            .unwrap()
            .1
            .clone()
    };
    let request = text(0);
    let frame = frames(request.as_bytes(), &FramerConfig::default())
        .next()
        .unwrap()
        .unwrap();
    let packet = Packet::parse(&frame.data).unwrap();
    assert_eq!(
        answers::request_answer(&packet, 1).encode().unwrap(),
        format!("{}\r\n", text(1)).into_bytes()
    );
    assert_eq!(
        answers::execution_result(&packet, 1).encode().unwrap(),
        format!("{}\r\n", text(2)).into_bytes()
    );
}

/// The frames of `hj212-2025-frames.txt` by id (`O1`, `C18r`, …), without the printed `\r\n`.
fn frames_2025() -> Option<Vec<(String, String)>> {
    let path = testdata::shared("reference/hj212/hj212-2025-frames.txt")?;
    let text = fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut id = String::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            if let Some(word) = rest.split_whitespace().next()
                && !word.ends_with(':')
            {
                id = word.to_owned();
            }
        } else if line.starts_with("##") {
            out.push((id.clone(), line.trim_end_matches("\\r\\n").to_owned()));
        }
    }
    Some(out)
}

#[test]
fn hj212_2025_frames() {
    let Some(all) = frames_2025() else { return };
    assert_eq!(all.len(), 29);
    let get = |id: &str| {
        all.iter()
            .find(|(i, _)| i == id)
            .map(|(_, f)| f.clone())
            .unwrap()
    };
    let key = Sm4Key(*b"0000000000000000");
    for (id, text) in &all {
        let encrypted = text.contains("{0x");
        let plain: Vec<_> = frames(text.as_bytes(), &FramerConfig::default()).collect();
        assert_eq!(plain.len(), 1, "{id}");
        if encrypted {
            // CRC is over the plaintext: without the key the frame fails, with it the plaintext appears.
            assert!(plain[0].is_err(), "{id}");
            let cfg = FramerConfig::default().with_sm4_keys(vec![key]);
            let frame = frames(text.as_bytes(), &cfg).next().unwrap().unwrap();
            assert_eq!(frame.decrypted_with, Some(0));
            let twin = if id == "O3" { get("O2") } else { get("O4") };
            assert_eq!(
                &*frame.data,
                &twin.as_bytes()[6..twin.len() - 4],
                "{id} decrypts to its plaintext twin"
            );
            assert!(frame.length_ok(), "the length field counts the plaintext");
            continue;
        }
        let frame = plain[0]
            .as_ref()
            .unwrap_or_else(|r| panic!("{id}: {}", r.error));
        let packet = Packet::parse(&frame.data).unwrap();
        let expected = if id == "K1" {
            Version::V2017
        } else {
            Version::V2025
        };
        assert_eq!(packet.version(), expected, "{id}");
        assert_eq!(
            packet.encode().unwrap(),
            format!("{text}\r\n").into_bytes(),
            "{id} re-encodes exactly"
        );
    }
    // Answers the platform sends, byte-exact (C2 -> C2r, C18 -> C18r, C54 -> C54r).
    for (request, answer) in [("C2", "C2r"), ("C18", "C18r"), ("C54", "C54r")] {
        let text = get(request);
        let frame = frames(text.as_bytes(), &FramerConfig::default())
            .next()
            .unwrap()
            .unwrap();
        let packet = Packet::parse(&frame.data).unwrap();
        let got = answer_for(&packet, &AnswerOptions::default());
        assert_eq!(got.len(), 1, "{request}");
        assert_eq!(
            got[0].encode().unwrap(),
            format!("{}\r\n", get(answer)).into_bytes(),
            "{request}"
        );
    }
    // RF=1 (re-sent data) is read.
    let rf = get("C20rf");
    let frame = frames(rf.as_bytes(), &FramerConfig::default())
        .next()
        .unwrap()
        .unwrap();
    assert!(Packet::parse(&frame.data).unwrap().header.is_resent());
}

#[test]
fn sm4_reproduces_the_standards_cipher_text() {
    let Some(all) = frames_2025() else { return };
    let get = |id: &str| {
        all.iter()
            .find(|(i, _)| i == id)
            .map(|(_, f)| f.clone())
            .unwrap()
    };
    let key = Sm4Key(*b"0000000000000000");
    for (plain_id, cipher_id) in [("O2", "O3"), ("O4", "O5")] {
        let plain = get(plain_id);
        let data = &plain.as_bytes()[6..plain.len() - 4];
        let packet = Packet::parse(data).unwrap();
        let raw = packet.encode_encrypted(&key).unwrap();
        // Raw cipher bytes: same length field and CRC as the plaintext.
        assert_eq!(&raw[..6], &plain.as_bytes()[..6]);
        assert_eq!(
            &raw[raw.len() - 6..raw.len() - 2],
            &plain.as_bytes()[plain.len() - 4..]
        );
        // Printed in the standard's {0x..} form, the data area equals the standard's example.
        let cp = packet.cp.as_str().as_bytes();
        let whole = cp.len() / 16 * 16;
        let mut cipher = cp[..whole].to_vec();
        hj212::encrypt::encrypt_ecb_in_place(&mut cipher, &key);
        let printed = format!(
            "{}{}",
            hj212::encrypt::hex_block_text(&cipher),
            &packet.cp.as_str()[whole..]
        );
        let expected = get(cipher_id);
        assert!(
            expected.contains(&format!("CP=&&{printed}&&")),
            "{cipher_id}"
        );
        // And the raw-byte frame decrypts back through the framer.
        let cfg = FramerConfig::default().with_sm4_keys(vec![Sm4Key(*b"1111111111111111"), key]);
        let frame = frames(&raw, &cfg).next().unwrap().unwrap();
        assert_eq!(frame.decrypted_with, Some(1));
        assert_eq!(&*frame.data, data);
    }
}

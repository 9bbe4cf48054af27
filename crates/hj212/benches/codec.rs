//! Throughput of the codec on a realistic mix (`cargo bench -p hj212`): MB/s and packets/s for
//! framing + CRC alone, for the streaming framer a gateway uses, and for full decoding into typed messages.
//!
//! The mix is every valid packet of `../shared/data/hj212/packets_corpus.tsv` and of the two real logs
//! (air, water and flue-gas uploads, answers, commands; 77 to 1623 bytes), repeated to about 8 MB with
//! `<CR><LF>` between packets. Without `../shared`, a generated mix of 2011/2051/2061 uploads and 9014
//! answers of similar sizes is used instead (and said so).

use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use hj212::{CrcPolicy, Framer, FramerConfig, Message, Packet, frames};

fn main() {
    let mix = &*MIX;
    eprintln!(
        "mix: {} ({} packets, {:.1} MB, mean {} bytes per packet)",
        mix.source,
        mix.packets,
        mix.bytes.len() as f64 / 1e6,
        mix.bytes.len() / mix.packets.max(1)
    );
    divan::main();
}

struct Mix {
    bytes: Vec<u8>,
    packets: usize,
    source: &'static str,
}

static MIX: LazyLock<Mix> = LazyLock::new(build_mix);

fn shared_packets() -> Option<Vec<Vec<u8>>> {
    let dir = std::env::var("QINGSHAN_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let corpus = std::fs::read_to_string(dir.join("data/hj212/packets_corpus.tsv")).ok()?;
    let lenient = FramerConfig::default().with_crc_policy(CrcPolicy::Lenient);
    let mut packets: Vec<Vec<u8>> = Vec::new();
    for line in corpus.lines().skip(1) {
        if let Some(packet) = line.split('\t').next_back() {
            packets.extend(
                frames(packet.as_bytes(), &FramerConfig::default())
                    .flatten()
                    .map(|f| f.raw.to_vec()),
            );
        }
    }
    for log in [
        "mutoushirana_HJ212Virtual_Log_excerpt_utf8.txt",
        "tonyxia2016_HJ212Receiver_rx_release.log",
    ] {
        let bytes = std::fs::read(dir.join("data/hj212").join(log)).ok()?;
        packets.extend(
            frames(&bytes, &lenient)
                .flatten()
                .filter(|f| f.crc.variant.is_none())
                .map(|f| f.raw.to_vec()),
        );
    }
    Some(packets)
}

fn generated_packets() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..200u32 {
        let (cn, field) = [
            ("2011", "Rtd"),
            ("2051", "Avg"),
            ("2061", "Avg"),
            ("9014", ""),
        ][(i % 4) as usize];
        let mut cp = hj212::CpBuilder::new().item(
            "DataTime",
            &format!("202401{:02}{:02}0000", i % 28 + 1, i % 24),
        );
        if !field.is_empty() {
            for f in 0..(4 + i % 12) {
                let code = format!("a{:05}", 21000 + f * 3);
                cp = cp
                    .group()
                    .item(
                        &format!("{code}-{field}"),
                        &format!("{}.{:03}", (i * 37 + f) % 500, (i * f) % 1000),
                    )
                    .item(&format!("{code}-Flag"), "N");
            }
        }
        let cp = if cn == "9014" {
            hj212::Cp::empty()
        } else {
            cp.build()
        };
        let text = format!(
            "QN=20240101{:09};ST=31;CN={cn};PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&{}&&",
            i,
            cp.as_str()
        );
        let frame = hj212::packet::frame_data_segment(text.as_bytes()).unwrap();
        out.push(frame[..frame.len() - 2].to_vec());
    }
    out
}

fn build_mix() -> Mix {
    let (packets, source) = match shared_packets() {
        Some(p) if !p.is_empty() => (p, "real packets from ../shared (corpus + logs)"),
        _ => (generated_packets(), "generated (../shared absent)"),
    };
    let mut bytes = Vec::with_capacity(9 << 20);
    let mut count = 0;
    while bytes.len() < 8 << 20 {
        for p in &packets {
            bytes.extend_from_slice(p);
            bytes.extend_from_slice(b"\r\n");
            count += 1;
        }
    }
    Mix {
        bytes,
        packets: count,
        source,
    }
}

fn counters<'a, 'b>(bencher: Bencher<'a, 'b>) -> Bencher<'a, 'b> {
    bencher
        .counter(BytesCount::new(MIX.bytes.len()))
        .counter(ItemsCount::new(MIX.packets))
}

/// Framing + CRC over bytes in memory (zero-copy): every frame found and its CRC checked.
#[divan::bench]
fn framing_and_crc(bencher: Bencher) {
    let config = FramerConfig::default();
    counters(bencher).bench(|| {
        frames(black_box(&MIX.bytes), &config)
            .filter(Result::is_ok)
            .count()
    });
}

/// The gateway's path: 64 KiB reads pushed into the streaming framer.
#[divan::bench]
fn streaming_framer_64k_reads(bencher: Bencher) {
    counters(bencher).bench(|| {
        let mut framer = Framer::new(FramerConfig::default());
        let mut n = 0;
        for chunk in black_box(&MIX.bytes).chunks(64 * 1024) {
            framer.push(chunk);
            while let Some(r) = framer.next_frame() {
                n += usize::from(r.is_ok());
            }
        }
        n
    });
}

/// Full decoding: framing + CRC, header and CP parsing, typed message, every value and flag visited.
#[divan::bench]
fn full_decode_to_typed_messages(bencher: Bencher) {
    let config = FramerConfig::default();
    counters(bencher).bench(|| {
        let mut values = 0usize;
        for frame in frames(black_box(&MIX.bytes), &config).flatten() {
            let Ok(packet) = Packet::parse(&frame.data) else {
                continue;
            };
            match Message::from_packet(&packet) {
                Message::Data(upload) => {
                    values += usize::from(upload.data_time.is_some());
                    for value in upload.values() {
                        values += value.text.len()
                            + usize::from(value.flag().is_some_and(|f| f.is_valid()));
                    }
                }
                other => values += usize::from(black_box(&other) != &Message::Heartbeat),
            }
        }
        values
    });
}

/// A hostile or broken sender: a `##9999` header followed by 9 000 bytes trickled one byte per read.
/// Each read re-judges the waiting candidate; resuming the scan keeps this linear in the bytes received.
#[divan::bench]
fn waiting_candidate_fed_byte_by_byte(bencher: Bencher) {
    let mut input = b"##9999QN=".to_vec();
    input.extend(std::iter::repeat_n(b'7', 9000));
    bencher.counter(BytesCount::new(input.len())).bench(|| {
        let mut framer = Framer::new(FramerConfig::default());
        let mut found = 0;
        for byte in black_box(&input).chunks(1) {
            framer.push(byte);
            while let Some(r) = framer.next_frame() {
                found += usize::from(r.is_ok());
            }
        }
        found
    });
}

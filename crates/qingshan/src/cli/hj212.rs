//! `qingshan hj212 ...`: packets in, JSON lines or answers out.
//!
//! * `decode` reads a byte stream (files, or stdin when none is given) through the streaming framer and
//!   prints one JSON object per frame found, in order: decoded packets (`"ok":true`) and rejected candidates
//!   (`"ok":false` with the error's stable `kind` and the raw bytes). Text around packets (log lines) is
//!   skipped, so logs with embedded packets work too.
//! * `answer` prints, for every packet read, the frames the platform sends back (nothing when none is due).
//!
//! Both exit 0 whenever the input could be read, whatever it contained.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use hj212::{
    AnswerOptions, CrcPolicy, Frame, Framer, FramerConfig, Packet, Rejected, Sm4Key, Timestamp,
    answer_for,
};
use serde_json::{Value, json};

#[derive(Subcommand)]
pub enum Hj212Command {
    /// Decode a byte stream (files or stdin) and print one JSON object per frame found.
    Decode(DecodeArgs),
    /// Print, for each packet read, the answer frames the platform sends (nothing when none is due).
    Answer(AnswerArgs),
}

#[derive(Args)]
pub struct StreamArgs {
    /// CRC policy: strict (HJ 212 CRC only), lenient (also the known vendor variants), off (report only).
    #[arg(long, default_value = "strict", value_parser = parse_policy)]
    crc: CrcPolicy,
    /// Largest data segment accepted, in bytes (the standard says 1024; devices send more).
    #[arg(long, default_value_t = 9999)]
    max_data_len: usize,
    /// HJ 212-2025 SM4 key (16 characters) to decrypt data areas with; repeat for several.
    #[arg(long = "sm4-key", value_parser = parse_key)]
    sm4_keys: Vec<Sm4Key>,
    /// Files to read, each a separate stream; stdin when none.
    files: Vec<PathBuf>,
}

#[derive(Args)]
pub struct DecodeArgs {
    #[command(flatten)]
    stream: StreamArgs,
}

#[derive(Args)]
pub struct AnswerArgs {
    #[command(flatten)]
    stream: StreamArgs,
    /// The platform's local time for time-calibration answers (1012 after a 1013), `YYYYMMDDhhmmss[zzz]`;
    /// `none` sends no 1012. Default: the system clock in Beijing time (UTC+8).
    #[arg(long)]
    now: Option<String>,
}

fn parse_policy(text: &str) -> Result<CrcPolicy, String> {
    text.parse()
}

fn parse_key(text: &str) -> Result<Sm4Key, String> {
    Sm4Key::from_text(text)
        .ok_or_else(|| format!("an SM4 key is 16 characters, got {}", text.len()))
}

pub fn run(cmd: Hj212Command) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cmd {
        Hj212Command::Decode(args) => {
            for_each_frame(&args.stream, |result| {
                let line = match result {
                    Ok(frame) => decoded_json(&frame),
                    Err(rejected) => rejected_json(&rejected),
                };
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
                Ok(())
            })?;
        }
        Hj212Command::Answer(args) => {
            let now = match args.now.as_deref() {
                Some("none") => None,
                Some(text) => Some(
                    Timestamp::parse(text)
                        .with_context(|| format!("--now {text:?} is not a time"))?,
                ),
                None => Some(beijing_now()),
            };
            let mut options = AnswerOptions::default();
            options.now = now;
            for_each_frame(&args.stream, |result| {
                let Ok(frame) = result else { return Ok(()) };
                let Ok(packet) = Packet::parse(&frame.data) else {
                    return Ok(());
                };
                for answer in answer_for(&packet, &options) {
                    out.write_all(&answer.encode()?)?;
                }
                Ok(())
            })?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs every file (or stdin) through its own streaming framer, calling `each` for every frame found.
fn for_each_frame(
    args: &StreamArgs,
    mut each: impl FnMut(Result<Frame<'_>, Rejected<'_>>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let config = FramerConfig::default()
        .with_crc_policy(args.crc)
        .with_max_data_len(args.max_data_len)
        .with_sm4_keys(args.sm4_keys.clone());
    let mut run = |reader: &mut dyn Read| -> anyhow::Result<()> {
        let mut framer = Framer::new(config.clone());
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut chunk)?;
            if n == 0 {
                framer.finish();
            } else {
                framer.push(&chunk[..n]);
            }
            while let Some(result) = framer.next_frame() {
                each(result)?;
            }
            if n == 0 {
                return Ok(());
            }
        }
    };
    if args.files.is_empty() {
        run(&mut std::io::stdin().lock()).context("reading stdin")?;
    }
    for path in &args.files {
        let mut file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        run(&mut file).with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(())
}

fn decoded_json(frame: &Frame<'_>) -> Value {
    let crc = &frame.crc;
    let packet = match Packet::parse(&frame.data) {
        Ok(packet) => packet,
        Err(error) => {
            return json!({
                "ok": false,
                "offset": frame.offset,
                "error": { "kind": error.kind(), "message": error.to_string() },
                "raw": String::from_utf8_lossy(&frame.raw),
            });
        }
    };
    let h = &packet.header;
    let cp: Vec<Value> = packet
        .cp
        .groups()
        .map(|group| {
            Value::Array(
                group
                    .items()
                    .map(|i| json!({ "code": i.code, "field": i.field, "value": i.value }))
                    .collect(),
            )
        })
        .collect();
    json!({
        "ok": true,
        "offset": frame.offset,
        "version": packet.version().as_str(),
        "qn": h.qn.as_ref().map(|q| q.as_str()),
        "st": h.st.as_str(),
        "cn": h.cn.to_string(),
        "pw": h.pw.as_deref(),
        "mn": h.mn.as_ref().map(|m| m.as_str()),
        "flag": h.flag.map(|f| f.0),
        "pnum": h.pnum,
        "pno": h.pno,
        "rf": h.rf.as_deref(),
        "crc": crc.field_str(),
        "crc_ok": crc.matches,
        "crc_variant": crc.variant.map(|v| v.as_str()),
        "crc_computed": format!("{:04X}", crc.computed),
        "length": frame.declared_len,
        "length_ok": frame.length_ok(),
        "decrypted": frame.decrypted_with.is_some(),
        "deviations": packet.deviations.iter().map(|d| d.kind()).collect::<Vec<_>>(),
        "cp": cp,
    })
}

fn rejected_json(rejected: &Rejected<'_>) -> Value {
    let mut error = json!({ "kind": rejected.error.kind(), "message": rejected.error.to_string() });
    let details = match &rejected.error {
        hj212::FrameError::TooLong { declared, max, .. } => {
            json!({ "declared": declared, "max": max })
        }
        hj212::FrameError::CrcMismatch {
            found,
            computed,
            variant,
            ..
        } => json!({
            "found": found,
            "computed": format!("{computed:04X}"),
            "variant": variant.map(|v| v.as_str()),
        }),
        hj212::FrameError::BadCrcField { found, .. } => json!({ "found": found }),
        hj212::FrameError::LengthMismatch { declared, .. } => json!({ "declared": declared }),
        hj212::FrameError::Truncated {
            declared,
            available,
            ..
        } => {
            json!({ "declared": declared, "available": available })
        }
        _ => json!({}),
    };
    if let (Some(error), Some(details)) = (error.as_object_mut(), details.as_object()) {
        error.extend(details.clone());
    }
    json!({
        "ok": false,
        "offset": rejected.offset,
        "error": error,
        "raw": String::from_utf8_lossy(rejected.raw),
    })
}

/// The system clock as Beijing local time (UTC+8, no daylight saving), which HJ 212 times use.
fn beijing_now() -> Timestamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let millis = u16::try_from(now.subsec_millis()).unwrap_or(0);
    Timestamp::from_unix_seconds(now.as_secs() as i64 + 8 * 3600, Some(millis))
}

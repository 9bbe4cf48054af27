//! Stream framing: finding HJ 212 frames in a byte stream (HJ 212-2017 §6.3.2 Table 2, HJ/T 212-2005 §6.3,
//! HJ 212-2025 §6.3.2), tolerant of what real devices send (hj212.md §7, §8 item 1).
//!
//! A frame is `##` + 4-digit data length + data segment + 4 hex CRC digits + `<CR><LF>`. The framer is
//! length-driven: it trusts the length field first and checks the CRC digits, the data segment's closing
//! `&&` or the terminator, and the CRC. Around that it tolerates:
//!
//! * any chunking of the stream (packets split across reads, several packets in one read);
//! * garbage and other protocols (e.g. Modbus-TCP probes) between frames: skipped up to the next `##dddd`;
//! * `<CR><LF>`, `<LF>` only, or no terminator at all before the next `##`;
//! * a length field that disagrees with the data: the framer then looks for `&&` + 4 hex digits + a terminator
//!   before the next `##dddd` and accepts that frame if its CRC checks (hj212.md §7 "wrong length field");
//! * oversized frames: an explicit, configurable bound ([`FramerConfig::max_data_len`]);
//! * HJ 212-2025 SM4-encrypted data areas whose CRC is over the plaintext (HJ 212-2025 Appendix A.2), when the
//!   device's keys are configured ([`FramerConfig::sm4_keys`]), in raw-byte or `{0xNN,…}` text form.
//!
//! A rejected candidate never swallows what follows it: scanning resumes just after its `##`, so a valid frame
//! behind garbage or behind a broken frame is still found.
//!
//! Two entry points share one scanner: [`Framer`] for a socket (push bytes as they arrive) and [`frames`] for
//! bytes already in memory (a file, a log), which borrows frames from the input without copying.

use std::borrow::Cow;

use crate::crc::{CrcCheck, CrcPolicy};
use crate::encrypt::{self, Sm4Key};
use crate::error::FrameError;

/// Bytes around a data segment: `##` + 4 length digits before it, 4 CRC digits after it.
const OVERHEAD: usize = 2 + 4 + 4;

/// The largest data segment HJ 212-2017 allows (Table 2). Longer ones are seen in the field (hj212.md §7).
pub const STANDARD_MAX_DATA_LEN: usize = 1024;

/// Limits and policies for one stream (usually one device connection).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FramerConfig {
    /// The longest data segment accepted, in bytes. The standard says 1024 (HJ 212-2017 Table 2); devices send
    /// up to 1623 unsplit (hj212.md §7), so the default is 9999, the most a 4-digit length field can say.
    /// A frame occupies at most `max_data_len + 12` bytes, which bounds the [`Framer`]'s buffer.
    pub max_data_len: usize,
    /// How the check sum is judged (hj212.md §2.5).
    pub crc_policy: CrcPolicy,
    /// The device's SM4 keys, current first (HJ 212-2025 §6.4). When a frame's CRC does not match its bytes,
    /// its data area is decrypted with each key in turn and the CRC is checked over the plaintext.
    pub sm4_keys: Vec<Sm4Key>,
}

impl Default for FramerConfig {
    fn default() -> Self {
        FramerConfig {
            max_data_len: 9999,
            crc_policy: CrcPolicy::Strict,
            sm4_keys: Vec::new(),
        }
    }
}

impl FramerConfig {
    /// Sets [`FramerConfig::max_data_len`].
    pub fn with_max_data_len(mut self, max_data_len: usize) -> Self {
        self.max_data_len = max_data_len.min(9999);
        self
    }

    /// Sets [`FramerConfig::crc_policy`].
    pub fn with_crc_policy(mut self, crc_policy: CrcPolicy) -> Self {
        self.crc_policy = crc_policy;
        self
    }

    /// Sets [`FramerConfig::sm4_keys`] (current key first, then the previous one during a rotation).
    pub fn with_sm4_keys(mut self, keys: Vec<Sm4Key>) -> Self {
        self.sm4_keys = keys;
        self
    }

    /// The most bytes one frame can occupy, terminator excluded.
    pub fn max_frame_len(&self) -> usize {
        self.max_data_len + OVERHEAD
    }
}

/// What followed a frame's CRC digits (HJ 212-2017 Table 2 wants `<CR><LF>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminator {
    /// `<CR><LF>`, as the standard says.
    CrLf,
    /// `<LF>` alone.
    Lf,
    /// Something else, or nothing yet (the next `##`, stray bytes, the end of the buffer).
    Other,
}

/// One accepted frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    /// Position of the frame's first `#` in the stream (bytes since the stream started).
    pub offset: u64,
    /// The frame as received, from `##` to the last CRC digit (the terminator is not included).
    pub raw: Cow<'a, [u8]>,
    /// The data segment (HJ 212-2017 §6.3.2) in plaintext: borrowed from the input, or owned when it was
    /// decrypted or its `{0xNN,…}` text form decoded.
    pub data: Cow<'a, [u8]>,
    /// The value of the 4-digit length field.
    pub declared_len: usize,
    /// The check-sum verdict (already accepted by the configured policy).
    pub crc: CrcCheck,
    /// What followed the CRC digits.
    pub terminator: Terminator,
    /// Index into [`FramerConfig::sm4_keys`] of the key that decrypted the data area, if any.
    pub decrypted_with: Option<usize>,
}

impl Frame<'_> {
    /// Whether the length field equals the data segment's length in bytes (HJ 212-2017 Table 2). When it does
    /// not, the frame was recovered by locating `&&` + CRC + terminator (hj212.md §7).
    pub fn length_ok(&self) -> bool {
        self.declared_len == self.data.len()
    }

    /// Copies the frame so that it no longer borrows the input (for queues and other threads).
    pub fn into_owned(self) -> Frame<'static> {
        Frame {
            offset: self.offset,
            raw: Cow::Owned(self.raw.into_owned()),
            data: Cow::Owned(self.data.into_owned()),
            declared_len: self.declared_len,
            crc: self.crc,
            terminator: self.terminator,
            decrypted_with: self.decrypted_with,
        }
    }
}

/// A candidate frame (`##dddd` was found) that was not accepted, with the bytes it covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected<'a> {
    /// Position of the candidate's first `#` in the stream.
    pub offset: u64,
    /// The bytes the candidate covered (kept for inspection), from `##` onwards.
    pub raw: &'a [u8],
    /// Why it was rejected.
    pub error: FrameError,
}

/// The result of one scanning step at a given position of a buffer.
enum Step<'a> {
    /// A frame; scanning continues at `next`.
    Frame(Frame<'a>, usize),
    /// A rejected candidate; scanning continues at `next` (just after its `##`).
    Reject(Rejected<'a>, usize),
    /// Nothing decidable yet: bytes before `keep` are garbage and may be dropped. `scanned` says that the
    /// candidate at `keep` was scanned to the end of the buffer without finding another frame start, so the
    /// next judgement may resume scanning where this one stopped.
    NeedMore { keep: usize, scanned: bool },
}

/// Where the next candidate header is.
enum Header {
    /// `##dddd` starts here.
    At(usize),
    /// A possible header starts here but the buffer ends before it is complete.
    Partial(usize),
    /// No header and no partial header.
    None,
}

fn find_header(buf: &[u8], from: usize) -> Header {
    let mut i = from;
    while i < buf.len() {
        let Some(p) = buf[i..].iter().position(|&b| b == b'#') else {
            return Header::None;
        };
        let s = i + p;
        let rest = &buf[s..];
        let n = rest.len().min(6);
        let shape_ok = rest[..n]
            .iter()
            .enumerate()
            .all(|(k, &b)| if k < 2 { b == b'#' } else { b.is_ascii_digit() });
        if shape_ok {
            return if n == 6 {
                Header::At(s)
            } else {
                Header::Partial(s)
            };
        }
        i = s + 1;
    }
    Header::None
}

fn declared_len(buf: &[u8], s: usize) -> usize {
    buf[s + 2..s + 6]
        .iter()
        .fold(0, |acc, &d| acc * 10 + usize::from(d - b'0'))
}

/// The terminator after a CRC ending at `end`, and how many bytes of it to consume.
fn terminator_at(buf: &[u8], end: usize) -> (Terminator, usize) {
    let rest = &buf[end..];
    // `\r\r\n` is seen in real logs (tonyxia2016 rx.log); consume any run of CR before the LF.
    let crs = rest.iter().take_while(|&&b| b == b'\r').count();
    if rest.get(crs) == Some(&b'\n') {
        (
            if crs == 1 {
                Terminator::CrLf
            } else if crs == 0 {
                Terminator::Lf
            } else {
                Terminator::Other
            },
            crs + 1,
        )
    } else {
        (Terminator::Other, 0)
    }
}

/// Whether a terminator (or the next frame, or the end of a finished stream) is visible at `end`.
fn tail_visible(buf: &[u8], end: usize, eof: bool) -> bool {
    match buf.get(end) {
        None => eof,
        Some(b'\r') | Some(b'\n') => true,
        Some(b'#') => buf.get(end + 1) == Some(&b'#'),
        Some(_) => false,
    }
}

fn is_hex4(b: &[u8]) -> bool {
    b.len() == 4 && b.iter().all(u8::is_ascii_hexdigit)
}

/// The verdict on one candidate's data segment and CRC digits.
enum Verdict<'a> {
    Accepted {
        data: Cow<'a, [u8]>,
        crc: CrcCheck,
        key: Option<usize>,
    },
    Refused {
        crc: CrcCheck,
    },
}

fn verify<'a>(data: &'a [u8], crc_field: &[u8], cfg: &FramerConfig) -> Verdict<'a> {
    let field = [crc_field[0], crc_field[1], crc_field[2], crc_field[3]];
    let check = CrcCheck::compute(data, field);
    if check.matches && check.accepted(cfg.crc_policy) {
        return Verdict::Accepted {
            data: Cow::Borrowed(data),
            crc: check,
            key: None,
        };
    }
    // HJ 212-2025 Appendix A.2: the CRC is computed over the plaintext; try the device's keys.
    for (index, key) in cfg.sm4_keys.iter().enumerate() {
        if let Some(plain) = encrypt::decrypt_data_segment(data, key) {
            let plain_check = CrcCheck::compute(&plain, field);
            if plain_check.matches
                && plain_check.accepted(cfg.crc_policy)
                && encrypt::looks_like_cp(&plain)
            {
                return Verdict::Accepted {
                    data: Cow::Owned(plain),
                    crc: plain_check,
                    key: Some(index),
                };
            }
        }
    }
    if cfg.crc_policy == CrcPolicy::Off {
        return Verdict::Accepted {
            data: Cow::Borrowed(data),
            crc: check,
            key: None,
        };
    }
    Verdict::Refused { crc: check }
}

/// Looks for a frame start at `s` whose end is not where its length field says: `&&` + 4 hex digits + a
/// visible terminator, with a CRC the policy accepts, wholly inside `s..limit`.
fn fallback<'a>(
    buf: &'a [u8],
    s: usize,
    (limit, from): (usize, usize),
    eof: bool,
    cfg: &FramerConfig,
    base: u64,
) -> Option<Step<'a>> {
    let declared = declared_len(buf, s);
    let start = s + 6;
    let mut p = start.max(from);
    while p + 6 <= limit {
        let Some(q) = buf[p..limit - 4].windows(2).position(|w| w == b"&&") else {
            break;
        };
        let amp = p + q;
        let data_end = amp + 2;
        let end = data_end + 4;
        p = amp + 1;
        if end > limit || data_end - start == declared || data_end - start > cfg.max_data_len {
            continue;
        }
        if !is_hex4(&buf[data_end..end]) || !tail_visible(buf, end, eof) {
            continue;
        }
        if let Verdict::Accepted { data, crc, key } =
            verify(&buf[start..data_end], &buf[data_end..end], cfg)
        {
            let (terminator, used) = terminator_at(buf, end);
            let frame = Frame {
                offset: base + s as u64,
                raw: Cow::Borrowed(&buf[s..end]),
                data,
                declared_len: declared,
                crc,
                terminator,
                decrypted_with: key,
            };
            return Some(Step::Frame(frame, end + used));
        }
    }
    None
}

/// Judges the candidate whose `##dddd` starts at `s`. `lookahead` allows looking at the next candidate to
/// decide that this one was cut short. `resume` is where an earlier judgement of the same candidate stopped
/// scanning (0 for none): what lies before it holds no frame start and no recoverable frame end, so only the
/// last few bytes before it are looked at again. This keeps a candidate fed byte by byte linear, not quadratic.
fn evaluate<'a>(
    buf: &'a [u8],
    s: usize,
    eof: bool,
    cfg: &FramerConfig,
    base: u64,
    lookahead: bool,
    resume: usize,
) -> Step<'a> {
    let declared = declared_len(buf, s);
    let start = s + 6;
    let max_end = s + cfg.max_frame_len();
    let offset = base + s as u64;
    // Fast path: the frame is where its length field says and its CRC is accepted. Nothing else is
    // looked at (in particular the data segment is not scanned), so a valid frame costs one CRC.
    let end = start + declared + 4;
    if declared <= cfg.max_data_len && end <= buf.len() {
        let data = &buf[start..start + declared];
        let crc_field = &buf[start + declared..end];
        if is_hex4(crc_field)
            && (data.ends_with(b"&&") || tail_visible(buf, end, eof))
            && let Verdict::Accepted { data, crc, key } = verify(data, crc_field, cfg)
        {
            let (terminator, used) = terminator_at(buf, end);
            let frame = Frame {
                offset,
                raw: Cow::Borrowed(&buf[s..end]),
                data,
                declared_len: declared,
                crc,
                terminator,
                decrypted_with: key,
            };
            return Step::Frame(frame, end + used);
        }
    }
    // A header cut by the old end of the buffer, or a fallback end whose terminator was not yet visible,
    // lies within the last 8 bytes before `resume`.
    let from = resume.saturating_sub(8);
    let next = match find_header(buf, (s + 2).max(from)) {
        Header::At(t) => Some(t),
        _ => None,
    };
    let region_end = next.unwrap_or(buf.len()).min(max_end).min(buf.len());
    let reject = |error: FrameError, raw_end: usize| {
        let raw_end = raw_end.clamp(s, buf.len());
        Step::Reject(
            Rejected {
                offset,
                raw: &buf[s..raw_end],
                error,
            },
            s + 1,
        )
    };

    if declared > cfg.max_data_len {
        if let Some(step) = fallback(buf, s, (region_end, from), eof, cfg, base) {
            return step;
        }
        if next.is_some() || eof || buf.len() >= max_end {
            return reject(
                FrameError::TooLong {
                    offset,
                    declared,
                    max: cfg.max_data_len,
                },
                region_end,
            );
        }
        return Step::NeedMore {
            keep: s,
            scanned: true,
        };
    }

    let end = start + declared + 4;
    if end <= buf.len() {
        let data = &buf[start..start + declared];
        let crc_field = &buf[start + declared..end];
        let crc_hex = is_hex4(crc_field);
        // A refused CRC condemns the frame only when the frame visibly ends there. When the data merely
        // ends with "&&" (as "CP=&&" does) and something other than a terminator follows, the length field
        // may be too short and the real end lies further on: that is for the recovery below.
        if crc_hex && (data.ends_with(b"&&") || tail_visible(buf, end, eof)) {
            match verify(data, crc_field, cfg) {
                Verdict::Refused { .. } if !tail_visible(buf, end, eof) => {}
                Verdict::Accepted { data, crc, key } => {
                    let (terminator, used) = terminator_at(buf, end);
                    let frame = Frame {
                        offset,
                        raw: Cow::Borrowed(&buf[s..end]),
                        data,
                        declared_len: declared,
                        crc,
                        terminator,
                        decrypted_with: key,
                    };
                    return Step::Frame(frame, end + used);
                }
                Verdict::Refused { crc } => {
                    // The structure is where the length says; only a shorter frame inside it could be the
                    // real one (a length field that is too long).
                    if let Some(step) = fallback(buf, s, (end.min(region_end), 0), eof, cfg, base) {
                        return step;
                    }
                    let error = FrameError::CrcMismatch {
                        offset,
                        found: String::from_utf8_lossy(crc_field).into_owned(),
                        computed: crc.computed,
                        variant: crc.variant,
                    };
                    return reject(error, end);
                }
            }
        }
        if let Some(step) = fallback(buf, s, (region_end, from), eof, cfg, base) {
            return step;
        }
        // A frame whose data does not end with "&&" is accepted on its terminator; when the buffer ends
        // right where the terminator would be, more bytes may still make it whole.
        let tail_pending =
            crc_hex && !eof && (end == buf.len() || (buf[end] == b'#' && end + 1 == buf.len()));
        if tail_pending {
            return Step::NeedMore {
                keep: s,
                scanned: false,
            };
        }
        if next.is_some() || eof || buf.len() >= max_end {
            let error = if let Some(t) = next.filter(|&t| t < end) {
                FrameError::Truncated {
                    offset,
                    declared,
                    available: t - start,
                }
            } else if !crc_hex && data.ends_with(b"&&") {
                FrameError::BadCrcField {
                    offset,
                    found: String::from_utf8_lossy(crc_field).into_owned(),
                }
            } else {
                FrameError::LengthMismatch { offset, declared }
            };
            let raw_end = if next.is_some() {
                region_end
            } else {
                end.max(region_end)
            };
            return reject(error, raw_end);
        }
        return Step::NeedMore {
            keep: s,
            scanned: true,
        };
    }

    // The declared frame is not complete yet.
    if let Some(step) = fallback(buf, s, (region_end, from), eof, cfg, base) {
        return step;
    }
    let available = buf.len() - start;
    if eof {
        return reject(
            FrameError::Truncated {
                offset,
                declared,
                available,
            },
            buf.len(),
        );
    }
    if lookahead
        && let Some(t) = next
        && let Step::Frame(..) = evaluate(buf, t, eof, cfg, base, false, 0)
    {
        let available = t - start;
        return reject(
            FrameError::Truncated {
                offset,
                declared,
                available,
            },
            t,
        );
    }
    Step::NeedMore {
        keep: s,
        scanned: next.is_none(),
    }
}

/// One scanning step from `pos`: skips garbage to the next candidate and judges it.
/// `resume` is `(candidate, scanned_to)` from an earlier judgement that ended in `NeedMore { scanned: true }`.
fn step<'a>(
    buf: &'a [u8],
    pos: usize,
    eof: bool,
    cfg: &FramerConfig,
    base: u64,
    resume: Option<(usize, usize)>,
) -> Step<'a> {
    match find_header(buf, pos) {
        Header::At(s) => {
            let resume = resume.filter(|&(at, _)| at == s).map_or(0, |(_, to)| to);
            evaluate(buf, s, eof, cfg, base, true, resume)
        }
        Header::Partial(s) => Step::NeedMore {
            keep: if eof { buf.len() } else { s },
            scanned: false,
        },
        Header::None => {
            // Keep a trailing '#', which may be the first half of the next "##".
            let keep = if !eof && buf.last() == Some(&b'#') {
                buf.len() - 1
            } else {
                buf.len()
            };
            Step::NeedMore {
                keep: keep.max(pos),
                scanned: false,
            }
        }
    }
}

/// Frames in bytes that are all in memory (a file, a log, a captured session), borrowed without copying.
///
/// The input is treated as a finished stream: a candidate cut off by the end is reported as
/// [`FrameError::Truncated`].
pub fn frames<'a, 'c>(input: &'a [u8], config: &'c FramerConfig) -> Frames<'a, 'c> {
    Frames {
        input,
        config,
        pos: 0,
    }
}

/// Iterator returned by [`frames`].
#[derive(Debug, Clone)]
pub struct Frames<'a, 'c> {
    input: &'a [u8],
    config: &'c FramerConfig,
    pos: usize,
}

impl<'a> Iterator for Frames<'a, '_> {
    type Item = Result<Frame<'a>, Rejected<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        match step(self.input, self.pos, true, self.config, 0, None) {
            Step::Frame(frame, next) => {
                self.pos = next;
                Some(Ok(frame))
            }
            Step::Reject(rejected, next) => {
                self.pos = next;
                Some(Err(rejected))
            }
            Step::NeedMore { .. } => {
                self.pos = self.input.len();
                None
            }
        }
    }
}

/// A streaming framer for one connection: [`push`](Framer::push) bytes as they arrive, then call
/// [`next_frame`](Framer::next_frame) until it returns `None`.
///
/// ```
/// use hj212::framing::{Framer, FramerConfig};
/// let mut framer = Framer::new(FramerConfig::default());
/// let packet = b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n";
/// framer.push(&packet[..40]);
/// assert!(framer.next_frame().is_none());
/// framer.push(&packet[40..]);
/// let frame = framer.next_frame().unwrap().unwrap();
/// assert_eq!(frame.crc.computed, 0x1C80);
/// ```
///
/// The buffer holds at most one frame's worth of bytes ([`FramerConfig::max_frame_len`]) beyond what the last
/// [`push`](Framer::push) added: everything before the current candidate is discarded as it is judged.
#[derive(Debug, Clone)]
pub struct Framer {
    config: FramerConfig,
    buf: Vec<u8>,
    /// Scanning position inside `buf`.
    pos: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    /// `(candidate, scanned_to)` in stream offsets: a candidate still waiting for bytes, and how far the last
    /// judgement scanned, so the next one resumes there.
    resume: Option<(u64, u64)>,
}

impl Framer {
    /// A framer with the given limits and policies.
    pub fn new(config: FramerConfig) -> Self {
        Framer {
            config,
            buf: Vec::new(),
            pos: 0,
            base: 0,
            eof: false,
            resume: None,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &FramerConfig {
        &self.config
    }

    /// Replaces the device's SM4 keys (HJ 212-2025 §6.4.3 key rotation), current key first.
    pub fn set_sm4_keys(&mut self, keys: Vec<Sm4Key>) {
        self.config.sm4_keys = keys;
        self.resume = None;
    }

    /// Replaces the CRC policy (e.g. once the device's MN is known).
    pub fn set_crc_policy(&mut self, policy: CrcPolicy) {
        self.config.crc_policy = policy;
        self.resume = None;
    }

    /// Appends bytes received from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        self.compact();
        self.buf.extend_from_slice(bytes);
    }

    /// Marks the end of the stream: a candidate still waiting for bytes is then reported as truncated.
    pub fn finish(&mut self) {
        self.eof = true;
        self.resume = None;
    }

    /// Bytes held and not yet judged.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Total bytes pushed so far.
    pub fn stream_position(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// The next frame or rejected candidate, or `None` when more bytes are needed.
    #[allow(clippy::should_implement_trait)]
    pub fn next_frame(&mut self) -> Option<Result<Frame<'_>, Rejected<'_>>> {
        let base = self.base;
        let resume = self
            .resume
            .take()
            .map(|(at, to)| ((at - base) as usize, (to - base) as usize));
        match step(&self.buf, self.pos, self.eof, &self.config, base, resume) {
            Step::Frame(frame, next) => {
                self.pos = next;
                Some(Ok(frame))
            }
            Step::Reject(rejected, next) => {
                self.pos = next;
                Some(Err(rejected))
            }
            Step::NeedMore { keep, scanned } => {
                self.pos = keep;
                if scanned {
                    self.resume = Some((base + keep as u64, base + self.buf.len() as u64));
                }
                None
            }
        }
    }

    /// Drops bytes already judged so the buffer stays bounded.
    fn compact(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STD: &[u8] = b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n";

    fn all(input: &[u8], cfg: &FramerConfig) -> Vec<Result<Vec<u8>, &'static str>> {
        frames(input, cfg)
            .map(|r| r.map(|f| f.raw.to_vec()).map_err(|e| e.error.kind()))
            .collect()
    }

    #[test]
    fn one_standard_frame() {
        let cfg = FramerConfig::default();
        let got: Vec<_> = frames(STD, &cfg).collect();
        assert_eq!(got.len(), 1);
        let frame = got[0].as_ref().unwrap();
        assert_eq!(&*frame.raw, &STD[..STD.len() - 2]);
        assert_eq!(frame.terminator, Terminator::CrLf);
        assert!(frame.length_ok());
    }

    #[test]
    fn garbage_lf_and_no_terminator() {
        let cfg = FramerConfig::default();
        let mut input = b"\x01\x04garbage#".to_vec();
        input.extend_from_slice(&STD[..STD.len() - 2]);
        input.extend_from_slice(b"\n");
        input.extend_from_slice(&STD[..STD.len() - 2]);
        input.extend_from_slice(&STD[..STD.len() - 2]);
        let got = all(&input, &cfg);
        assert_eq!(got.len(), 3);
        assert!(
            got.iter()
                .all(|r| r.as_ref().is_ok_and(|raw| raw == &STD[..STD.len() - 2]))
        );
    }

    #[test]
    fn wrong_length_field_recovered() {
        let cfg = FramerConfig::default();
        for wrong in [b"0107", b"0095", b"9999"] {
            let mut bad = STD.to_vec();
            bad[2..6].copy_from_slice(wrong);
            bad.extend_from_slice(STD);
            let got: Vec<_> = frames(&bad, &cfg).collect();
            assert_eq!(got.len(), 2, "{}", String::from_utf8_lossy(wrong));
            let first = got[0].as_ref().unwrap();
            assert!(!first.length_ok());
            assert_eq!(first.crc.computed, 0x1C80);
            assert!(got[1].is_ok());
        }
    }

    #[test]
    fn crc_mismatch_then_valid_frame() {
        let cfg = FramerConfig::default();
        let mut input = STD.to_vec();
        let n = STD.len();
        input[n - 3] = b'1';
        input.extend_from_slice(STD);
        let got = all(&input, &cfg);
        assert_eq!(got, vec![Err("crc_mismatch"), Ok(STD[..n - 2].to_vec())]);
    }

    #[test]
    fn truncated_frame_followed_by_valid_one_is_not_waited_for() {
        let mut framer = Framer::new(FramerConfig::default());
        framer.push(&STD[..50]);
        framer.push(STD);
        let first = framer.next_frame().unwrap().unwrap_err();
        assert_eq!(first.error.kind(), "truncated");
        assert!(framer.next_frame().unwrap().is_ok());
        assert!(framer.next_frame().is_none());
    }

    #[test]
    fn frame_accepted_on_its_terminator_does_not_depend_on_chunking() {
        // Found by the fuzzer: a frame whose data does not end with "&&" (accepted on its CRLF) with a
        // frame header inside it; cut right before the CRLF, it must wait for the terminator.
        let input = b"##0098QN=1617936069734;ST=21;CN=1011;PW=123456;MN=DXCBZ000000005;Fl\xa6\x98\xc2\xca\xc4\xbc\xaf\xc2&&SystemT##0098QN=161793/\xff\xff\xff&7580\r\n";
        let cfg = FramerConfig::default();
        let whole = all(input, &cfg);
        for cut in 1..input.len() {
            let mut framer = Framer::new(cfg.clone());
            let mut streamed = Vec::new();
            for piece in [&input[..cut], &input[cut..]] {
                framer.push(piece);
                while let Some(r) = framer.next_frame() {
                    streamed.push(r.map(|f| f.raw.to_vec()).map_err(|e| e.error.kind()));
                }
            }
            framer.finish();
            while let Some(r) = framer.next_frame() {
                streamed.push(r.map(|f| f.raw.to_vec()).map_err(|e| e.error.kind()));
            }
            assert_eq!(streamed, whole, "cut at {cut}");
        }
    }

    #[test]
    fn buffer_stays_bounded_under_garbage_and_broken_frames() {
        let cfg = FramerConfig::default().with_max_data_len(1024);
        let bound = cfg.max_frame_len();
        let mut framer = Framer::new(cfg);
        let mut rejected = 0;
        for i in 0..2000 {
            // Modbus-like noise, then a header whose frame never ends.
            framer.push(b"0E0F00000006010400000064");
            if i % 100 == 0 {
                framer.push(b"##0999QN=");
            }
            while let Some(r) = framer.next_frame() {
                rejected += usize::from(r.is_err());
            }
            assert!(
                framer.buffered() <= bound + 64,
                "{} bytes held",
                framer.buffered()
            );
        }
        assert!(rejected > 0);
        // 20 broken headers, each rejected once the size bound passed; a good frame still comes through.
        assert_eq!(rejected, 20);
        framer.push(STD);
        assert!(framer.next_frame().unwrap().is_ok());
        assert!(framer.next_frame().is_none());
    }

    #[test]
    fn too_long_is_rejected_with_the_bound() {
        let cfg = FramerConfig::default().with_max_data_len(100);
        let got = all(STD, &cfg);
        assert_eq!(got, vec![Err("frame_too_long")]);
    }

    #[test]
    fn byte_by_byte_streaming_matches_whole_input() {
        let mut input = b"noise ## #12 ##12".to_vec();
        input.extend_from_slice(STD);
        input.extend_from_slice(b"0E0F00000006010400000064");
        input.extend_from_slice(STD);
        let cfg = FramerConfig::default();
        let whole = all(&input, &cfg);
        let mut framer = Framer::new(cfg);
        let mut streamed = Vec::new();
        for b in &input {
            framer.push(std::slice::from_ref(b));
            while let Some(r) = framer.next_frame() {
                streamed.push(r.map(|f| f.raw.to_vec()).map_err(|e| e.error.kind()));
            }
        }
        framer.finish();
        while let Some(r) = framer.next_frame() {
            streamed.push(r.map(|f| f.raw.to_vec()).map_err(|e| e.error.kind()));
        }
        assert_eq!(whole, streamed);
        assert_eq!(whole.iter().filter(|r| r.is_ok()).count(), 2);
    }
}

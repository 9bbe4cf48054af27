//! HJ 212 codec: HJ/T 212-2005, HJ 212-2017 and HJ 212-2025, the protocol environmental data loggers use
//! to talk to a monitoring platform. No I/O, no async, no storage: bytes in, typed values and bytes out.
//!
//! The layers, bottom up (each module's documentation cites the clauses it implements):
//!
//! | module | job | main items |
//! |---|---|---|
//! | [`crc`] | the standard's check sum and the vendor variants | [`crc::crc16`], [`CrcPolicy`], [`CrcVariant`] |
//! | [`framing`] | frames out of a byte stream, any chunking, garbage, wrong lengths | [`Framer`], [`frames`], [`Frame`], [`Rejected`] |
//! | [`packet`] | header fields and data area of a data segment; building frames | [`Packet`], [`Header`], [`Version`], [`Cn`] |
//! | [`cp`] | the data area's groups and items, values kept as exact text | [`Cp`], [`Item`], [`DataFlag`], [`CpBuilder`] |
//! | [`messages`] | what a packet means, by command | [`Message`], [`DataUpload`] |
//! | [`answers`] | what the platform sends back, version-matched | [`answer_for`] |
//! | [`encrypt`] | HJ 212-2025 SM4-ECB of the data area | [`Sm4Key`] |
//! | [`segments`] | reassembling split packets (PNUM/PNO) | [`segments::Reassembler`] |
//! | [`time`] | 14- and 17-digit times | [`Timestamp`] |
//! | [`error`] | every way a frame or packet can be wrong | [`FrameError`], [`PacketError`] |
//!
//! A gateway's loop for one connection:
//!
//! ```
//! use hj212::{AnswerOptions, Framer, FramerConfig, Message, Packet, answer_for};
//!
//! let mut framer = Framer::new(FramerConfig::default());
//! framer.push(b"junk##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n");
//! while let Some(result) = framer.next_frame() {
//!     match result {
//!         Ok(frame) => {
//!             let packet = Packet::parse(&frame.data).expect("a valid header");
//!             let _meaning = Message::from_packet(&packet);
//!             for answer in answer_for(&packet, &AnswerOptions::default()) {
//!                 let _bytes = answer.encode().expect("fits the length field");
//!             }
//!         }
//!         Err(rejected) => eprintln!("{} at byte {}", rejected.error, rejected.offset),
//!     }
//! }
//! ```
//!
//! Nothing here panics on any input; every limit is explicit ([`FramerConfig`]).

#![warn(missing_docs)]

pub mod answers;
pub mod cp;
pub mod crc;
pub mod encrypt;
pub mod error;
pub mod framing;
pub mod messages;
pub mod packet;
pub mod segments;
pub mod time;

pub use answers::{AnswerOptions, answer_for};
pub use cp::{Cp, CpBuilder, DataFlag, Field, Item};
pub use crc::{CrcCheck, CrcPolicy, CrcVariant};
pub use encrypt::Sm4Key;
pub use error::{EncodeError, FrameError, PacketError};
pub use framing::{Frame, Framer, FramerConfig, Rejected, frames};
pub use messages::{DataKind, DataUpload, Message, Value};
pub use packet::{Cn, Deviation, Flag, Header, Mn, Packet, Qn, St, Version};
pub use time::Timestamp;

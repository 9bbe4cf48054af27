//! Inputs that once framed wrongly, kept as plain tests next to proptest's saved seeds.

use hj212::{FramerConfig, frames};

/// A length field 12 short that ends the data right after `CP=&&`, where the next four characters
/// (`a000`) happen to be hex: the framer must not condemn the frame on that false CRC, but find its real
/// end (found by the property test `wrong_length_fields_recover_under_any_chunking`).
#[test]
fn a_short_length_field_ending_at_cp_is_recovered() {
    let data = b"ST=00;CN=1011;CP=&&a00000=AaA&&";
    let mut stream = format!("##{:04}", data.len() - 12).into_bytes();
    stream.extend_from_slice(data);
    stream.extend_from_slice(format!("{:04X}\r\n", hj212::crc::crc16(data)).as_bytes());
    let cfg = FramerConfig::default();
    let found: Vec<_> = frames(&stream, &cfg).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let frame = found[0].as_ref().expect("recovered");
    assert_eq!(&frame.data[..], &data[..]);
    assert!(!frame.length_ok());
    // Fed one byte at a time, the same frame comes out.
    let mut framer = hj212::Framer::new(cfg);
    let mut got = Vec::new();
    for b in &stream {
        framer.push(std::slice::from_ref(b));
        while let Some(f) = framer.next_frame() {
            got.push(f.map(|f| f.data.to_vec()).map_err(|r| r.error.kind()));
        }
    }
    framer.finish();
    while let Some(f) = framer.next_frame() {
        got.push(f.map(|f| f.data.to_vec()).map_err(|r| r.error.kind()));
    }
    assert_eq!(got, vec![Ok(data.to_vec())]);
}

//! Same seed, same bytes: fleets, backfilled history and values are pure functions of the seed; and every
//! backfilled frame, quirks included, frames and parses with the `hj212` codec.

use hj212::{CrcPolicy, Framer, FramerConfig, Packet};
use sim::{Profile, Upload, fleet, fleet_with_quirks, history};

const DAY: i64 = 86_400;
const START: i64 = 1_764_259_200; // 2025-11-28 00:00 Beijing

#[test]
fn the_same_seed_gives_byte_identical_packets() {
    let a = fleet_with_quirks(9, 56, Profile::Demo, 0.25);
    assert_eq!(a, fleet_with_quirks(9, 56, Profile::Demo, 0.25));
    for d in &a {
        let one: Vec<_> = history(d, START, START + DAY / 4, 9).collect();
        let two: Vec<_> = history(d, START, START + DAY / 4, 9).collect();
        assert!(!one.is_empty());
        assert_eq!(one, two, "{}", d.site_id);
        let other: Vec<_> = history(d, START, START + DAY / 4, 10).collect();
        assert_ne!(one, other, "another seed, other values");
    }
}

#[test]
fn backfilled_frames_parse_with_the_codec_and_name_their_device() {
    for d in fleet_with_quirks(4, 56, Profile::Demo, 1.0) {
        let mut framer = Framer::new(FramerConfig::default().with_crc_policy(CrcPolicy::Lenient));
        let mut sent = 0;
        let mut cns = std::collections::HashSet::new();
        for s in history(&d, START, START + DAY + 3600, 4) {
            framer.push(&s.frame);
            sent += 1;
            cns.insert(s.cn);
        }
        framer.finish();
        let mut parsed = 0;
        while let Some(item) = framer.next_frame() {
            let frame = item.unwrap_or_else(|r| panic!("{}: {:?}", d.site_id, r.error));
            let packet = Packet::parse(&frame.data).unwrap();
            assert_eq!(packet.header.mn.as_ref().unwrap().as_str(), d.mn);
            assert_eq!(packet.header.pw.as_deref(), Some(d.password.as_str()));
            assert!(packet.deviations.is_empty(), "{:?}", packet.deviations);
            parsed += 1;
        }
        assert_eq!(parsed, sent, "{}", d.site_id);
        let expected = d.kind.uploads().len();
        assert_eq!(cns.len(), expected, "{} sent {cns:?}", d.site_id);
    }
}

#[test]
fn a_quick_backfill_skips_real_time_data() {
    let d = &fleet(2, 1, Profile::Demo)[0];
    let hourly: Vec<_> = history(d, START, START + DAY, 2)
        .only(&[Upload::Hour])
        .collect();
    assert!((20..=24).contains(&hourly.len()), "{}", hourly.len());
    assert!(hourly.windows(2).all(|w| w[0].sent_at < w[1].sent_at));
}

//! A data logger's side of HJ 212 for tests: framed packets and reading answers.

use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// A framed 2017 packet (Flag=5: answer wanted).
pub fn packet(qn: &str, cn: &str, mn: &str, pw: &str, cp: &str) -> Vec<u8> {
    let data = format!("QN={qn};ST=31;CN={cn};PW={pw};MN={mn};Flag=5;CP=&&{cp}&&");
    hj212::packet::frame_data_segment(data.as_bytes()).unwrap()
}

/// Reads until `n` answers (CRLF-terminated frames) arrived.
pub async fn read_answers(s: &mut TcpStream, n: usize) -> Vec<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while buf.iter().filter(|&&b| b == b'\n').count() < n {
        let k = tokio::time::timeout(Duration::from_secs(20), s.read(&mut chunk))
            .await
            .expect("answer in time")
            .unwrap();
        assert!(k > 0, "server closed before answering");
        buf.extend_from_slice(&chunk[..k]);
    }
    String::from_utf8(buf)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

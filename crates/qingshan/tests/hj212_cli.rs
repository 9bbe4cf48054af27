//! `qingshan hj212 decode|answer` run as a program on real logs and constructed input.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn qingshan(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("qingshan runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    (output.status.code().unwrap_or(-1), output.stdout)
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `##dddd` positions counted without the codec.
fn count_headers(bytes: &[u8]) -> usize {
    (0..bytes.len().saturating_sub(5))
        .filter(|&i| {
            bytes[i] == b'#'
                && bytes[i + 1] == b'#'
                && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit)
        })
        .count()
}

#[test]
fn decode_real_log_finds_every_packet() {
    let Some(path) = testdata::shared("data/hj212/mutoushirana_HJ212Virtual_Log_excerpt_utf8.txt")
    else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let (status, out) = qingshan(&["hj212", "decode", path.to_str().unwrap()], b"");
    assert_eq!(status, 0);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), count_headers(&bytes));
    assert_eq!(lines.len(), 300);
    assert!(
        lines
            .iter()
            .all(|l| l["ok"] == true && l["crc_ok"] == true && l["version"] == "2017")
    );
    let first = &lines[0];
    assert_eq!(first["qn"], "20210407112025759");
    assert_eq!(first["st"], "21");
    assert_eq!(first["cn"], "2081");
    assert_eq!(first["pw"], "123456");
    assert_eq!(first["mn"], "DXCBZ000000005");
    assert_eq!(first["flag"], 5);
    assert_eq!(first["pnum"], Value::Null);
    assert_eq!(first["crc"], "4400");
    assert_eq!(first["crc_variant"], Value::Null);
    assert_eq!(first["cp"][0][0]["field"], "DataTime");
    assert_eq!(first["cp"][0][0]["value"], "20210407112025");
    let cns: std::collections::BTreeSet<_> = lines
        .iter()
        .map(|l| l["cn"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cns.len(), 10, "ten command types in the log: {cns:?}");
}

#[test]
fn decode_receiver_log_reports_the_vendor_crc() {
    let Some(path) = testdata::shared("data/hj212/tonyxia2016_HJ212Receiver_rx_release.log") else {
        return;
    };
    let path = path.to_str().unwrap();
    let (status, out) = qingshan(&["hj212", "decode", path], b"");
    assert_eq!(status, 0);
    let strict = json_lines(&out);
    assert_eq!(strict.len(), 3);
    assert_eq!(strict[2]["ok"], false);
    assert_eq!(strict[2]["error"]["kind"], "crc_mismatch");
    assert_eq!(strict[2]["error"]["variant"], "modbus_byte_swapped");
    assert!(
        strict[2]["raw"]
            .as_str()
            .unwrap()
            .starts_with("##1623QN=20200924101500117;")
    );
    let (_, out) = qingshan(&["hj212", "decode", "--crc", "lenient", path], b"");
    let lenient = json_lines(&out);
    assert_eq!(lenient.len(), 3);
    assert_eq!(lenient[2]["ok"], true);
    assert_eq!(lenient[2]["crc_variant"], "modbus_byte_swapped");
    assert_eq!(lenient[0]["st"], "101");
    assert_eq!(lenient[0]["version"], "2005");
}

#[test]
fn answer_prints_what_the_platform_sends() {
    let upload = b"noise ##0218QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20160801085857;w01001-Rtd=7.1,w01001-Flag=N;w01018-SampleTime=20160801070000,w01018-Rtd=2.2,w01018-Flag=N,w01018-EFlag=A01&&6E80\r\n\
##0094QN=20160801085857223;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&QnRtn=1&&1B00\r\n\
##0099QN=20160801085857223;ST=32;CN=1013;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&PolId=w01018&&CAC1\r\n";
    let (status, out) = qingshan(&["hj212", "answer", "--now", "20160801090000123"], upload);
    assert_eq!(status, 0);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<_> = text.split_inclusive("\r\n").collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        "##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&3240\r\n"
    );
    assert_eq!(
        lines[1],
        "##0087QN=20160801085857223;ST=91;CN=9013;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&2A80\r\n"
    );
    assert!(lines[2].starts_with("##0125QN=20160801090000123;ST=32;CN=1012;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&PolId=w01018;SystemTime=20160801090000&&"));
    // The answers are themselves valid frames.
    let (_, decoded) = qingshan(&["hj212", "decode"], text.as_bytes());
    assert!(json_lines(&decoded).iter().all(|l| l["ok"] == true));
}

#[test]
fn decode_reports_errors_and_reads_stdin() {
    let input = b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C81\r\n";
    let (status, out) = qingshan(&["hj212", "decode"], input);
    assert_eq!(status, 0);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[0]["error"]["kind"], "crc_mismatch");
    assert_eq!(lines[0]["error"]["computed"], "1C80");
    assert_eq!(lines[0]["error"]["found"], "1C81");
    let (status, _) = qingshan(&["hj212", "decode", "/nonexistent/file"], b"");
    assert_ne!(status, 0, "an unreadable input is an error");
}

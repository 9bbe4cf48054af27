//! A plain SMTP client for alarm e-mails (RFC 5321: EHLO, MAIL FROM, RCPT TO, DATA, QUIT) to the
//! bureau's relay (`alarms.smtp_relay`), which does the delivery, the TLS and any authentication beyond
//! its network. Hand-written because the whole exchange is a dozen lines and an SMTP library would bring
//! its TLS stack and MIME builder into every build; the message is UTF-8 text sent base64-encoded, with an
//! RFC 2047 subject, so any relay passes it unchanged.

use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// How long the whole exchange may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Sends `message` (a subject line, a blank line, the text) from `from` to `to` through `relay`
/// (`host:port`); `Err` names the step and the relay's answer.
pub async fn send(relay: &str, from: &str, to: &str, message: &str) -> Result<(), String> {
    for (what, address) in [("sender", from), ("recipient", to)] {
        if address.is_empty()
            || address
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>')
        {
            return Err(format!("the {what} address {address:?} cannot be used"));
        }
    }
    tokio::time::timeout(TIMEOUT, exchange(relay, from, to, message))
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "the relay {relay} did not finish within {} s",
                TIMEOUT.as_secs()
            ))
        })
}

async fn exchange(relay: &str, from: &str, to: &str, message: &str) -> Result<(), String> {
    let stream = tokio::net::TcpStream::connect(relay)
        .await
        .map_err(|e| format!("connecting to {relay}: {e}"))?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    expect(&mut read, "greeting", 220).await?;
    let (subject, text) = message.split_once("\n\n").unwrap_or((message, ""));
    let now = jiff::Timestamp::now();
    let data = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: =?UTF-8?B?{}?=\r\nDate: {}\r\nMessage-ID: <{}.{}@qingshan>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n.\r\n",
        base64(subject.as_bytes()),
        jiff::fmt::rfc2822::to_string(&now.to_zoned(jiff::tz::TimeZone::UTC)).unwrap_or_default(),
        now.as_nanosecond(),
        std::process::id(),
        base64(text.as_bytes())
            .as_bytes()
            .chunks(76)
            .map(|l| String::from_utf8_lossy(l).to_string())
            .collect::<Vec<_>>()
            .join("\r\n")
    );
    for (command, step, code) in [
        ("EHLO qingshan\r\n".to_string(), "EHLO", 250),
        (format!("MAIL FROM:<{from}>\r\n"), "MAIL FROM", 250),
        (format!("RCPT TO:<{to}>\r\n"), "RCPT TO", 250),
        ("DATA\r\n".to_string(), "DATA", 354),
        (data, "the message", 250),
        ("QUIT\r\n".to_string(), "QUIT", 221),
    ] {
        write
            .write_all(command.as_bytes())
            .await
            .map_err(|e| format!("{step}: {e}"))?;
        expect(&mut read, step, code).await?;
    }
    Ok(())
}

/// Reads one reply (its continuation lines too) and checks its code (`RCPT TO` also takes 251).
async fn expect(
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    step: &str,
    code: u16,
) -> Result<(), String> {
    loop {
        let mut line = String::new();
        let n = read
            .read_line(&mut line)
            .await
            .map_err(|e| format!("{step}: {e}"))?;
        if n == 0 {
            return Err(format!("{step}: the relay closed the connection"));
        }
        let got: u16 = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        if line.as_bytes().get(3) == Some(&b'-') {
            continue;
        }
        return if got == code || (code == 250 && got == 251) {
            Ok(())
        } else {
            Err(format!("{step}: the relay answered {}", line.trim_end()))
        };
    }
}

/// Standard base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_is_rfc_4648() {
        // RFC 4648 §10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }
}

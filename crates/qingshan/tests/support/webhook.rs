//! A real webhook receiver on loopback for the notification tests.

/// A request the webhook receiver got: its headers (lower-case names) and body.
pub type Received = (Vec<(String, String)>, String);

/// A real HTTP receiver on loopback: records every request and answers 500 to the first one about an
/// exceedance, 200 to everything else.
pub async fn receiver() -> (String, std::sync::Arc<tokio::sync::Mutex<Vec<Received>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/qingshan", listener.local_addr().unwrap());
    let got = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::<Received>::new()));
    let record = got.clone();
    tokio::spawn(async move {
        let mut failed_once = false;
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut bytes = Vec::new();
            let mut buf = [0u8; 8192];
            // Headers, then as much body as Content-Length says.
            let (head, length) = loop {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break (String::new(), 0);
                }
                bytes.extend_from_slice(&buf[..n]);
                if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&bytes[..end]).to_string();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    bytes.drain(..end + 4);
                    break (head, length);
                }
            };
            while bytes.len() < length {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&buf[..n]);
            }
            let headers: Vec<(String, String)> = head
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let body = String::from_utf8_lossy(&bytes).to_string();
            let fail = !failed_once && body.contains(r#""kind":"exceedance""#);
            failed_once |= fail;
            record.lock().await.push((headers, body));
            let answer: &[u8] = if fail {
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            } else {
                b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            };
            let _ = socket.write_all(answer).await;
        }
    });
    (url, got)
}

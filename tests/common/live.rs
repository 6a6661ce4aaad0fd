//! A `socdrill serve` process and WebSocket clients for it, for the protocol tests and
//! the live latency benchmark.

#![allow(dead_code, reason = "each user takes a different subset")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

/// A running server and the links it printed.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub facilitator: Option<String>,
    pub board: Option<String>,
    /// Seat name and key, in seat order.
    pub seats: Vec<(String, String)>,
    /// Everything it printed before serving.
    pub banner: String,
}

fn key_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

impl Server {
    /// Starts `socdrill serve ARGS --bind 127.0.0.1:0` and reads its links.
    pub fn start(bin: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(bin)
            .arg("serve")
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            // Out of the history of whoever runs the tests (a test gives --db).
            .env("SOCDRILL_DB", "off")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("socdrill serve starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut server = Server {
            child,
            base: String::new(),
            facilitator: None,
            board: None,
            seats: Vec::new(),
            banner: String::new(),
        };
        loop {
            let mut line = String::new();
            let n = out.read_line(&mut line).unwrap();
            assert!(n > 0, "serve exited before serving:\n{}", server.banner);
            server.banner.push_str(&line);
            let line = line.trim();
            if let Some(url) = line.strip_prefix("facilitator: ") {
                server.facilitator = Some(key_of(url));
                server.base = url.split("/f/").next().unwrap().to_string();
            } else if let Some(url) = line.strip_prefix("board (read-only): ") {
                server.board = Some(key_of(url));
            } else if line.contains("/s/") {
                let name = line.split_whitespace().next().unwrap().to_string();
                let url = line.split_whitespace().last().unwrap();
                server.base = url.split("/s/").next().unwrap().to_string();
                server.seats.push((name, key_of(url)));
            } else if line.starts_with("Ctrl-C") {
                break;
            }
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
        server
    }

    /// The key of seat `name`.
    pub fn seat(&self, name: &str) -> String {
        self.seats
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no seat {name} in {:?}", self.seats))
            .1
            .clone()
    }

    /// `ws://…/ws?key=KEY`: the older way to name the key, still taken from scripts.
    pub fn ws_url(&self, key: &str) -> String {
        format!("{}/ws?key={key}", self.base.replacen("http", "ws", 1))
    }

    /// `GET PATH` over a plain connection: the status code, the headers (names in lower
    /// case) and the body.
    pub async fn get(&self, path: &str) -> (u16, Vec<(String, String)>, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let authority = self.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(authority).await.expect("connects");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        tokio::time::timeout(PATIENCE, stream.read_to_end(&mut raw))
            .await
            .expect("the server answers in time")
            .unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").expect("a whole response");
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        (status, headers, body.to_string())
    }

    /// Kills the process at once (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One participant's connection.
pub struct Client {
    pub ws: Ws,
    pub hello: Value,
    /// The latest state received.
    pub state: Value,
    /// Every text message received, as sent.
    pub received: Vec<String>,
    next_id: u64,
}

/// Waits this long for any one expected message.
pub const PATIENCE: Duration = Duration::from_secs(30);

impl Client {
    /// Connects as the page does (the key in the first message, not the URL) and reads
    /// the hello.
    pub async fn connect(server: &Server, key: &str) -> Client {
        let url = format!("{}/ws", server.base.replacen("http", "ws", 1));
        let (mut ws, _) = connect_async_with_config(url, None, true)
            .await
            .expect("the WebSocket opens");
        ws.send(Message::Text(
            json!({"op": "join", "key": key}).to_string().into(),
        ))
        .await
        .expect("the join message goes");
        let mut c = Client {
            ws,
            hello: Value::Null,
            state: Value::Null,
            received: Vec::new(),
            next_id: 1,
        };
        let hello = c.next().await.expect("a hello");
        assert_eq!(hello["type"], "hello", "first message: {hello}");
        c.hello = hello;
        c
    }

    /// The next text message, or none if the socket closed.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a message within the patience time")?;
            match msg {
                Ok(Message::Text(t)) => {
                    self.received.push(t.to_string());
                    let v: Value = serde_json::from_str(t.as_str()).expect("server sends JSON");
                    if v["type"] == "state" {
                        self.state = v.clone();
                    }
                    return Some(v);
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// The next message that is not a state.
    pub async fn next_event(&mut self) -> Option<Value> {
        loop {
            let v = self.next().await?;
            if v["type"] != "state" {
                return Some(v);
            }
        }
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: String) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    /// Sends a request and waits for its reply (states on the way are kept).
    pub async fn request(&mut self, op: &str, mut fields: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        fields["op"] = json!(op);
        fields["id"] = json!(id);
        self.send_text(fields.to_string()).await;
        loop {
            let v = self.next().await.expect("a reply before the socket closes");
            if v["type"] == "reply" && v["id"] == json!(id) {
                return v;
            }
        }
    }

    /// A seat's action.
    pub async fn act(&mut self, action: Value) -> Value {
        self.request("act", json!({ "action": action })).await
    }

    /// Reads states until one satisfies `pred`; returns it.
    pub async fn until(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        if pred(&self.state) {
            return self.state.clone();
        }
        while Instant::now() < deadline {
            let v = self
                .next()
                .await
                .unwrap_or_else(|| panic!("socket closed waiting for {what}"));
            if v["type"] == "state" && pred(&v) {
                return v;
            }
        }
        panic!(
            "no state with {what} within {PATIENCE:?}; last: {}",
            self.state
        );
    }
}

/// The path of a live exercise's file.
pub fn live_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
